// API refusals turned into the user's language. The API answers problem+json with a stable
// `code` (and per-field `errors`); its English `detail` is for developers, so the message shown
// comes from our message files, keyed by code, naming the lines and limits the problem names.
import type { TFunction } from "i18next";
import { ApiError } from "../api/client";

export type ProblemMessage = { code: string; text: string; items: string[] };

type ShortLine = { sku: string; requested: number; available?: number; field: string };

/** `lines[2].quantity` -> 2. */
export function lineIndex(field: string): number | null {
  const m = /^lines\[(\d+)\]/.exec(field);
  return m ? Number(m[1]) : null;
}

const KNOWN = new Set([
  "network",
  "stock-short",
  "credit-exceeded",
  "open-orders-cap-exceeded",
  "customer-not-ready",
  "quote-not-acceptable",
  "currency-mismatch",
  "email-in-use",
  "forbidden",
  "not-found",
  "unauthenticated",
  "too-many-requests",
  "unavailable",
  "validation-failed",
  "malformed-body",
  "payload-too-large",
]);

export function problemCode(e: unknown): string {
  if (e instanceof ApiError) return e.problem.code ?? `http-${e.status}`;
  return "network";
}

export function problemMessage(e: unknown, t: TFunction): ProblemMessage {
  const code = problemCode(e);
  const text = KNOWN.has(code) ? t(`errors.${code}`) : t("errors.generic");
  const items: string[] = [];
  if (e instanceof ApiError) {
    const short = e.problem.short_lines as ShortLine[] | undefined;
    if (code === "stock-short" && Array.isArray(short)) {
      for (const l of short) {
        items.push(
          l.available === undefined
            ? t("errors.shortLineNoQty", { sku: l.sku, requested: l.requested })
            : t("errors.shortLine", { sku: l.sku, requested: l.requested, available: l.available }),
        );
      }
    } else if (code === "customer-not-ready") {
      for (const f of e.problem.errors ?? []) items.push(t("errors.missing", { field: f.field }));
    } else if (code === "validation-failed" || code === "quote-not-acceptable") {
      for (const f of e.problem.errors ?? []) items.push(t("errors.field", { field: f.field }));
    }
  }
  return { code, text, items };
}
