// Quick order (F36): pure helpers of the page. The server parses pasted text and CSV files itself
// (one parser, the same checks for every client); these only shape what the page sends and place
// the server's per-field problems on the rows the user sees.
import type { FieldProblem } from "../api/client";

/** The file offered for download: a header and two rows. */
export const SAMPLE_CSV = "sku,quantity\nDRL-500,2\nSCR-4X40,10\n";

/** Largest text or file sent (the API refuses bodies over 64 kB as a whole). */
export const MAX_TEXT_BYTES = 60 * 1024;

export type TypedRow = { sku: string; quantity: string };

/**
 * Typed rows as the text the server parses: one tab-separated line per row, so typed row n is
 * line n of the answer's problems (empty rows are blank lines, which the server skips).
 */
export function rowsToText(rows: TypedRow[]): string {
  return rows.map((r) => (r.sku.trim() || r.quantity.trim() ? `${r.sku.trim()}\t${r.quantity.trim()}` : "")).join("\n");
}

export type RowProblem = { row: number; field: "sku" | "quantity" | "row" };

/**
 * Where a field problem points: `rows[2].quantity` is row 3 of the API's `rows`; `text.line[7].sku`
 * is line 7 of the text sent (a typed row, a pasted line or a line of the file). `null` for
 * problems of the whole input (`text`, `rows`).
 */
export function rowOfField(field: string): RowProblem | null {
  const typed = /^rows\[(\d+)\](?:\.(sku|quantity))?$/.exec(field);
  if (typed) return { row: Number(typed[1]) + 1, field: (typed[2] as "sku" | "quantity") ?? "row" };
  const line = /^text\.line\[(\d+)\](?:\.(sku|quantity))?$/.exec(field);
  if (line) return { row: Number(line[1]), field: (line[2] as "sku" | "quantity") ?? "row" };
  return null;
}

/** Problems of the whole input: too many rows, or not a CSV at all. */
export function wholeInputProblem(errors: FieldProblem[]): "tooMany" | "notCsv" | "empty" | null {
  const whole = errors.find((e) => e.field === "text" || e.field === "rows");
  if (!whole) return null;
  if (/at most \d+/.test(whole.reason)) return "tooMany";
  if (/no rows|at least one/.test(whole.reason)) return "empty";
  return "notCsv";
}
