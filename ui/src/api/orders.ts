import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type Order = components["schemas"]["Order"];
export type OrderSummary = components["schemas"]["OrderSummary"];
export type PlaceOrderRequest = components["schemas"]["PlaceOrderRequest"];

export function useOrders(opts: { limit?: number; status?: string } = {}) {
  return useQuery({
    queryKey: ["orders", "first", opts],
    queryFn: () =>
      unwrap(
        api.GET("/v1/orders", {
          params: { query: { limit: opts.limit, status: opts.status } },
        }),
      ),
  });
}

/** Every order, a page at a time (cursor paging). */
export function useOrderPages(status?: string) {
  return useInfiniteQuery({
    queryKey: ["orders", "pages", status ?? ""],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/orders", { params: { query: { cursor: pageParam, status, limit: 20 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useOrder(id: string) {
  return useQuery({
    queryKey: ["order", id],
    queryFn: () => unwrap(api.GET("/v1/orders/{id}", { params: { path: { id } } })),
  });
}

/**
 * Places an order with the checkout attempt's Idempotency-Key: the same key on a double click
 * or a retry makes one order (the API replays the first answer).
 */
export function usePlaceOrder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ key, body }: { key: string; body: PlaceOrderRequest }) =>
      unwrap(
        api.POST("/v1/orders", {
          params: { header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["orders"] });
      void qc.invalidateQueries({ queryKey: ["cart"] });
      void qc.invalidateQueries({ queryKey: ["me"] });
      void qc.invalidateQueries({ queryKey: ["catalog"] });
    },
  });
}

export function useCancelOrder(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason?: string) =>
      unwrap(api.POST("/v1/orders/{id}/cancel", { params: { path: { id } }, body: reason ? { reason } : {} })),
    onSuccess: (order) => {
      qc.setQueryData(["order", id], order);
      void qc.invalidateQueries({ queryKey: ["orders"] });
      void qc.invalidateQueries({ queryKey: ["me"] });
      void qc.invalidateQueries({ queryKey: ["catalog"] });
    },
  });
}
