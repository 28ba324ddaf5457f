// F2: account requests, for staff (decisions are admins').
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type AccountRequest = components["schemas"]["AccountRequest"];
export type Decision = "approve" | "reject" | "block" | "delete";

export function useAccountRequests(status: string) {
  return useQuery({
    queryKey: ["admin", "requests", status],
    queryFn: () =>
      unwrap(api.GET("/v1/admin/account-requests", { params: { query: { status: status || undefined, limit: "100" } } })),
  });
}

export function useDecideRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, decision }: { id: string; decision: Decision }) => {
      const path = { params: { path: { id } } };
      switch (decision) {
        case "approve":
          return unwrap(api.POST("/v1/admin/account-requests/{id}/approve", path));
        case "reject":
          return unwrap(api.POST("/v1/admin/account-requests/{id}/reject", path));
        case "block":
          return unwrap(api.POST("/v1/admin/account-requests/{id}/block", path));
        case "delete":
          return unwrap(api.DELETE("/v1/admin/account-requests/{id}", path));
      }
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["admin", "requests"] });
      void qc.invalidateQueries({ queryKey: ["admin", "customers"] });
    },
  });
}
