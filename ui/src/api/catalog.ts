import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";
import { useToken } from "../auth/useAuth";

export type CatalogItem = components["schemas"]["CatalogItem"];
export type CatalogItemDetail = components["schemas"]["CatalogItemDetail"];
export type Facets = components["schemas"]["Facets"];

export type CatalogFilter = { q?: string; type?: string; brand?: string };

export const PAGE_SIZE = 24;

/** The catalog as this viewer sees it (visitor, contact), a page at a time (cursor paging). */
export function useCatalog(filter: CatalogFilter) {
  const token = useToken();
  return useInfiniteQuery({
    queryKey: ["catalog", "items", token, filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/catalog/items", {
          params: {
            query: {
              q: filter.q || undefined,
              type: filter.type || undefined,
              brand: filter.brand || undefined,
              cursor: pageParam,
              limit: String(PAGE_SIZE),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useFacets() {
  const token = useToken();
  return useQuery({
    queryKey: ["catalog", "facets", token],
    queryFn: () => unwrap(api.GET("/v1/catalog/facets")),
    staleTime: 60_000,
  });
}

export function useCatalogItem(sku: string) {
  const token = useToken();
  return useQuery({
    queryKey: ["catalog", "item", token, sku],
    queryFn: () => unwrap(api.GET("/v1/catalog/items/{sku}", { params: { path: { sku } } })),
  });
}
