import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type CustomerQuote = components["schemas"]["CustomerQuote"];
export type QuoteRequestBody = components["schemas"]["QuoteRequestBody"];

export function useQuotePages() {
  return useInfiniteQuery({
    queryKey: ["quotes", "pages"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/quotes", { params: { query: { cursor: pageParam, limit: 20 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useQuote(id: string) {
  return useQuery({
    queryKey: ["quote", id],
    queryFn: () => unwrap(api.GET("/v1/quotes/{id}", { params: { path: { id } } })),
  });
}

export function useRequestQuote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: QuoteRequestBody) => unwrap(api.POST("/v1/quotes", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["quotes"] }),
  });
}

export function useAcceptQuote(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/quotes/{id}/accept", { params: { path: { id } } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["quote", id] });
      void qc.invalidateQueries({ queryKey: ["quotes"] });
      void qc.invalidateQueries({ queryKey: ["orders"] });
      void qc.invalidateQueries({ queryKey: ["me"] });
    },
  });
}
