// Pure helpers of the reports pages (unit-tested in reports.test.ts).
import type { Granularity, ReportFilters } from "../api/reports";

/** `YYYY-MM-DD` of a date in UTC (report days are UTC days). */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The last `days` UTC days, ending today, in the store's currency. */
export function defaultFilters(days = 30, granularity: Granularity = "day"): ReportFilters {
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return { from: isoDay(from), to: isoDay(to), currency: "", granularity };
}

/** A chart's top: the value rounded up to 1, 2 or 5 times a power of ten. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}
