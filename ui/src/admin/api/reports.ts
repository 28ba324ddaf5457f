// Items 7-8: sales reports from the report aggregates, and their CSV exports.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, ApiError, unwrap, type Problem } from "../../api/client";
import type { components } from "../../api/schema";
import { currentToken } from "../../auth/session";

export type SalesReport = components["schemas"]["SalesReport"];
export type CustomerPurchases = components["schemas"]["CustomerPurchases"];
export type Figures = components["schemas"]["ReportFigures"];
export type ReportRow = components["schemas"]["ReportRow"];
export type Granularity = "day" | "week" | "month";

export type ReportFilters = { from: string; to: string; currency: string; granularity: Granularity };

function query(f: ReportFilters) {
  return { from: f.from, to: f.to, currency: f.currency || undefined, granularity: f.granularity };
}

export function useSalesReport(f: ReportFilters) {
  return useQuery({
    queryKey: ["admin", "reports", "sales", f],
    queryFn: () => unwrap(api.GET("/v1/admin/reports/sales", { params: { query: query(f) } })),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useCustomerPurchases(id: string, f: ReportFilters) {
  return useQuery({
    queryKey: ["admin", "reports", "customer", id, f],
    queryFn: () =>
      unwrap(api.GET("/v1/admin/reports/customers/{id}", { params: { path: { id }, query: query(f) } })),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Downloads one table as CSV (the server escapes cells a spreadsheet would run). */
export async function downloadReport(table: string, f: ReportFilters, customerId?: string) {
  const q = new URLSearchParams({ table, from: f.from, to: f.to, granularity: f.granularity });
  if (f.currency) q.set("currency", f.currency);
  const path = customerId
    ? `/v1/admin/reports/customers/${encodeURIComponent(customerId)}/export`
    : "/v1/admin/reports/sales/export";
  const res = await fetch(`${path}?${q.toString()}`, {
    headers: { authorization: `Bearer ${currentToken() ?? ""}` },
  });
  if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => ({}))) as Problem);
  const name = /filename="?([^";]+)"?/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `${table}.csv`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
