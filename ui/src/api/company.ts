// F39 the buying company's own users (managers) and approval requests.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type CompanyContact = components["schemas"]["Contact"];
export type CompanyInvite = components["schemas"]["CompanyInvite"];
export type CompanyContactPatch = components["schemas"]["CompanyContactPatch"];
export type ApprovalRequest = components["schemas"]["ApprovalRequest"];
export type ApprovalView = components["schemas"]["ApprovalView"];
export type AccessAction = components["schemas"]["AccessAction"];

export function useCompanyContacts() {
  return useQuery({
    queryKey: ["company", "contacts"],
    queryFn: () => unwrap(api.GET("/v1/company/contacts")),
  });
}

export function useInviteColleague() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanyInvite) => unwrap(api.POST("/v1/company/contacts", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["company"] }),
  });
}

export function useUpdateColleague() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ email, body }: { email: string; body: CompanyContactPatch }) =>
      unwrap(api.PATCH("/v1/company/contacts/{email}", { params: { path: { email } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["company"] }),
  });
}

export function useColleagueAccess() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ email, action }: { email: string; action: AccessAction }) =>
      unwrap(
        api.POST("/v1/company/contacts/{email}/access", {
          params: { path: { email } },
          body: { action },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["company"] }),
  });
}

/** Managers: the company's requests (`pending`: those waiting); others: their own. */
export function useApprovals(status?: "pending") {
  return useQuery({
    queryKey: ["approvals", status ?? "all"],
    queryFn: () => unwrap(api.GET("/v1/approvals", { params: { query: { status, limit: 100 } } })),
  });
}

export function useApproval(id: string) {
  return useQuery({
    queryKey: ["approval", id],
    queryFn: () => unwrap(api.GET("/v1/approvals/{id}", { params: { path: { id } } })),
  });
}

function useDecision<T>(fn: (id: string, reason?: string) => Promise<T>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason?: string }) => fn(id, reason),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["approvals"] });
      void qc.invalidateQueries({ queryKey: ["approval"] });
      void qc.invalidateQueries({ queryKey: ["orders"] });
    },
  });
}

export const useApprove = () =>
  useDecision((id) => unwrap(api.POST("/v1/approvals/{id}/approve", { params: { path: { id } } })));
export const useReject = () =>
  useDecision((id, reason) =>
    unwrap(api.POST("/v1/approvals/{id}/reject", { params: { path: { id } }, body: { reason: reason ?? "" } })),
  );
export const useWithdraw = () =>
  useDecision((id) => unwrap(api.POST("/v1/approvals/{id}/withdraw", { params: { path: { id } } })));
