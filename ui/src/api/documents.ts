import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap, ApiError } from "./client";
import type { components } from "./schema";
import { currentToken } from "../auth/session";

export type DocumentSummary = components["schemas"]["DocumentSummary"];
export type Statement = components["schemas"]["Statement"];

export function useDocumentPages(kind?: string) {
  return useInfiniteQuery({
    queryKey: ["documents", "pages", kind ?? ""],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/documents", {
          params: { query: { cursor: pageParam, kind: kind || undefined, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useStatement() {
  return useQuery({ queryKey: ["statement"], queryFn: () => unwrap(api.GET("/v1/statement")) });
}

/**
 * Downloads a document's PDF with the session token (a plain link cannot carry the bearer
 * header) and hands it to the browser as a file named after the document number.
 */
export async function downloadPdf(id: string, fileName: string) {
  const token = currentToken();
  const res = await fetch(`/v1/documents/${encodeURIComponent(id)}/pdf`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) {
    let problem = {};
    try {
      problem = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, problem);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
