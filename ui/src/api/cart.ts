import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";
import { addLine, inputsOf, type CartLineInput } from "../lib/cart";

export type CartView = components["schemas"]["CartView"];

const KEY = ["cart"] as const;

/** The contact's server-side draft, priced now (F21). */
export function useCart(enabled = true) {
  return useQuery({
    queryKey: KEY,
    queryFn: () => unwrap(api.GET("/v1/cart")),
    enabled,
  });
}

type Change =
  | { kind: "add"; sku: string; quantity: number }
  | { kind: "replace"; lines: CartLineInput[]; warehouse_id?: string }
  | { kind: "warehouse"; warehouse_id: string };

/**
 * Every change to the cart PUTs the whole cart. Changes run one after the other (one mutation
 * scope), each from the cart the previous one answered, so quick clicks lose nothing.
 */
export function useCartChange() {
  const qc = useQueryClient();
  return useMutation({
    scope: { id: "cart" },
    mutationFn: async (change: Change) => {
      const current = qc.getQueryData<CartView>(KEY) ?? (await unwrap(api.GET("/v1/cart")));
      let lines = inputsOf(current.lines);
      let warehouse_id: string | undefined = current.warehouse_id || undefined;
      if (change.kind === "add") lines = addLine(lines, change.sku, change.quantity);
      if (change.kind === "replace") {
        lines = change.lines;
        warehouse_id = change.warehouse_id ?? warehouse_id;
      }
      if (change.kind === "warehouse") warehouse_id = change.warehouse_id;
      const next = await unwrap(api.PUT("/v1/cart", { body: { warehouse_id, lines } }));
      qc.setQueryData(KEY, next);
      return next;
    },
  });
}
