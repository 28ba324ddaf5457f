// F15-F20 for staff: items, warehouses, stock corrections, price lists and prices, import/export.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap, type Problem } from "../../api/client";
import type { components } from "../../api/schema";
import { currentToken } from "../../auth/session";

export type Item = components["schemas"]["Item"];
export type ItemInput = components["schemas"]["ItemInput"];
export type Warehouse = components["schemas"]["Warehouse"];
export type PriceList = components["schemas"]["PriceList"];
export type ImportReport = components["schemas"]["ImportReport"];
export type ImportProblem = components["schemas"]["ImportProblem"];
export type FileKind = components["schemas"]["FileKind"];

export function useAdminItemPages(active: string) {
  return useInfiniteQuery({
    queryKey: ["admin", "items", active],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/admin/items", { params: { query: { active: active || undefined, cursor: pageParam, limit: "50" } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useAdminItem(sku: string) {
  return useQuery({
    queryKey: ["admin", "item", sku],
    queryFn: () => unwrap(api.GET("/v1/admin/items/{sku}", { params: { path: { sku } } })),
  });
}

export function useCreateItem() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ItemInput) => unwrap(api.POST("/v1/admin/items", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "items"] }),
  });
}

export function useUpdateItem(sku: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["ItemPatch"]) =>
      unwrap(api.PATCH("/v1/admin/items/{sku}", { params: { path: { sku } }, body })),
    onSuccess: (item) => {
      qc.setQueryData(["admin", "item", sku], item);
      void qc.invalidateQueries({ queryKey: ["admin", "items"] });
    },
  });
}

export function useItemStock(sku: string) {
  return useQuery({
    queryKey: ["admin", "item", sku, "stock"],
    queryFn: () => unwrap(api.GET("/v1/admin/items/{sku}/stock", { params: { path: { sku } } })),
  });
}

/** A staff correction of the quantity on hand (reserved stays as orders left it). */
export function useSetStock(sku: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ warehouse, onHand }: { warehouse: string; onHand: number }) =>
      unwrap(
        api.PUT("/v1/admin/stock/{warehouse_id}/{sku}", {
          params: { path: { warehouse_id: warehouse, sku } },
          body: { on_hand: onHand },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "item", sku, "stock"] }),
  });
}

export function useWarehouses() {
  return useQuery({
    queryKey: ["admin", "warehouses"],
    queryFn: () => unwrap(api.GET("/v1/admin/warehouses")),
  });
}

export function useSaveWarehouse() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input, create }: { id: string; input: components["schemas"]["WarehouseInput"]; create: boolean }) =>
      create
        ? unwrap(api.POST("/v1/admin/warehouses", { body: { ...input, id } }))
        : unwrap(
            api.PATCH("/v1/admin/warehouses/{id}", {
              params: { path: { id } },
              body: { name: input.name, address: input.address, active: input.active },
            }),
          ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "warehouses"] }),
  });
}

export function usePriceLists() {
  return useQuery({
    queryKey: ["admin", "price-lists"],
    queryFn: () => unwrap(api.GET("/v1/admin/price-lists", { params: { query: { limit: 100 } } })),
  });
}

export function useCreatePriceList() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["NewPriceList"]) => unwrap(api.POST("/v1/admin/price-lists", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "price-lists"] }),
  });
}

export function usePrices(id: string) {
  return useInfiniteQuery({
    queryKey: ["admin", "prices", id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/admin/price-lists/{id}/prices", { params: { path: { id }, query: { cursor: pageParam, limit: 100 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function usePutPrices(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prices: components["schemas"]["PriceRowInput"][]) =>
      unwrap(api.PUT("/v1/admin/price-lists/{id}/prices", { params: { path: { id } }, body: { prices } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "prices", id] }),
  });
}

/**
 * F20: a CSV (or JSON) file checked whole; a bad row and nothing is applied, and the 422 answer
 * lists every bad row (kept on the ApiError's problem as `errors` with their row numbers).
 */
export function useImportFile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ kind, file }: { kind: FileKind; file: File }): Promise<ImportReport> => {
      const json = file.name.toLowerCase().endsWith(".json");
      const res = await fetch(`/v1/admin/items/import?kind=${kind}&format=${json ? "json" : "csv"}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${currentToken() ?? ""}`,
          "content-type": json ? "application/json" : "text/csv",
        },
        body: await file.text(),
      });
      const body: unknown = await res.json().catch(() => ({}));
      if (!res.ok) throw new ApiError(res.status, body as Problem);
      return body as ImportReport;
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin"] }),
  });
}

/** Downloads an export as a file (the browser saves it under the name the API gives). */
export async function downloadExport(kind: FileKind, format: "csv" | "json", priceListId?: string) {
  const q = new URLSearchParams({ kind, format });
  if (priceListId) q.set("price_list_id", priceListId);
  const res = await fetch(`/v1/admin/items/export?${q.toString()}`, {
    headers: { authorization: `Bearer ${currentToken() ?? ""}` },
  });
  if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => ({}))) as Problem);
  const name =
    /filename="?([^";]+)"?/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `${kind}.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
