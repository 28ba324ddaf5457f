// Buying tools (F36-F38): quick order, adding lines to the cart, order again, previously
// purchased items and saved lists. Every answer that changes the cart refreshes the cart's query.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type QuickOrderCheck = components["schemas"]["QuickOrderCheck"];
export type QuickRow = components["schemas"]["QuickRow"];
export type QuickOrderRequest = components["schemas"]["QuickOrderRequest"];
export type CartAdded = components["schemas"]["CartAdded"];
export type LineInput = { sku: string; quantity: number };
export type Reorder = components["schemas"]["Reorder"];
export type Purchased = components["schemas"]["Purchased"];
export type SavedListSummary = components["schemas"]["SavedListSummary"];
export type SavedListView = components["schemas"]["SavedListView"];

const CART = ["cart"] as const;

/** One call checks and prices every row (nothing is added). */
export function useQuickCheck() {
  return useMutation({
    mutationFn: (body: QuickOrderRequest) => unwrap(api.POST("/v1/quick-order/check", { body })),
  });
}

/** Adds lines to the cart in one request (merged with its lines). */
export function useAddCartLines() {
  const qc = useQueryClient();
  return useMutation({
    scope: { id: "cart" },
    mutationFn: (lines: LineInput[]) => unwrap(api.POST("/v1/cart/lines", { body: { lines } })),
    onSuccess: (added) => qc.setQueryData(CART, added.cart),
  });
}

export function useReorder(orderId: string) {
  const qc = useQueryClient();
  return useMutation({
    scope: { id: "cart" },
    mutationFn: () =>
      unwrap(api.POST("/v1/orders/{id}/reorder", { params: { path: { id: orderId } } })),
    onSuccess: (r) => qc.setQueryData(CART, r.cart),
  });
}

export function usePurchased(days: number, q: string) {
  return useQuery({
    queryKey: ["purchased", days, q],
    queryFn: () =>
      unwrap(api.GET("/v1/purchased", { params: { query: { days, q: q || undefined } } })),
  });
}

export function useLists() {
  return useQuery({ queryKey: ["lists"], queryFn: () => unwrap(api.GET("/v1/lists")) });
}

export function useList(id: string) {
  return useQuery({
    queryKey: ["list", id],
    queryFn: () => unwrap(api.GET("/v1/lists/{id}", { params: { path: { id } } })),
  });
}

export function useCreateList() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; lines?: LineInput[] }) =>
      unwrap(api.POST("/v1/lists", { body: { name: body.name, lines: body.lines ?? [] } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["lists"] }),
  });
}

export function useUpdateList(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; lines?: LineInput[] }) =>
      unwrap(api.PATCH("/v1/lists/{id}", { params: { path: { id } }, body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["lists"] });
      void qc.invalidateQueries({ queryKey: ["list", id] });
    },
  });
}

export function useDeleteList() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/lists/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["lists"] }),
  });
}

export function useAddListToCart(id: string) {
  const qc = useQueryClient();
  return useMutation({
    scope: { id: "cart" },
    mutationFn: () => unwrap(api.POST("/v1/lists/{id}/cart", { params: { path: { id } } })),
    onSuccess: (added) => qc.setQueryData(CART, added.cart),
  });
}
