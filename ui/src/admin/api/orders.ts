// F23 and F26: staff handle orders and answer quotes.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type Order = components["schemas"]["Order"];
export type OrderSummary = components["schemas"]["OrderSummary"];
export type CustomerQuote = components["schemas"]["CustomerQuote"];

export function useAdminOrderPages(f: { status?: string; customer?: string }) {
  const query = { status: f.status || undefined, customer: f.customer || undefined };
  return useInfiniteQuery({
    queryKey: ["admin", "orders", query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/admin/orders", { params: { query: { ...query, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useAdminOrder(id: string) {
  return useQuery({
    queryKey: ["admin", "order", id],
    queryFn: () => unwrap(api.GET("/v1/admin/orders/{id}", { params: { path: { id } } })),
  });
}

export type OrderAction = "claim" | "fulfil" | "cancel";

export function useOrderAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, reason }: { action: OrderAction; reason?: string }) => {
      const path = { params: { path: { id } } };
      if (action === "claim") return unwrap(api.POST("/v1/admin/orders/{id}/claim", path));
      if (action === "fulfil") return unwrap(api.POST("/v1/admin/orders/{id}/fulfil", path));
      return unwrap(api.POST("/v1/admin/orders/{id}/cancel", { ...path, body: reason ? { reason } : {} }));
    },
    onSuccess: (order) => {
      qc.setQueryData(["admin", "order", id], order);
      void qc.invalidateQueries({ queryKey: ["admin", "orders"] });
    },
  });
}

export function useAdminQuotes(status: string) {
  return useQuery({
    queryKey: ["admin", "quotes", status],
    queryFn: () =>
      unwrap(api.GET("/v1/admin/quotes", { params: { query: { status: status || undefined, limit: 100 } } })),
  });
}

export function useAdminQuote(id: string) {
  return useQuery({
    queryKey: ["admin", "quote", id],
    queryFn: () => unwrap(api.GET("/v1/admin/quotes/{id}", { params: { path: { id } } })),
  });
}

export function useAnswerQuote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["QuoteAnswer"]) =>
      unwrap(api.POST("/v1/admin/quotes/{id}/answer", { params: { path: { id } }, body })),
    onSuccess: (q) => {
      qc.setQueryData(["admin", "quote", id], q);
      void qc.invalidateQueries({ queryKey: ["admin", "quotes"] });
    },
  });
}
