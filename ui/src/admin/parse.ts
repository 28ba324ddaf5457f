// Small parsers of what staff type in the console's forms (unit-tested in parse.test.ts).

/** "SKU quantity" per line (tab, space, comma or semicolon between them). */
export function parseLines(raw: string): { sku: string; quantity: number }[] | null {
  const lines = raw
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const out: { sku: string; quantity: number }[] = [];
  for (const l of lines) {
    const m = /^(\S+)[\s,;]+(\d+)$/.exec(l);
    if (!m) return null;
    out.push({ sku: m[1]!, quantity: Number(m[2]) });
  }
  return out.length > 0 ? out : null;
}

/** `10:95.00|50:90.00` -> tiers (as the import files write them). */
export function parseTiers(raw: string): { min_quantity: number; unit_price: string }[] {
  return raw
    .split("|")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [q, price] = p.split(":");
      return { min_quantity: Number(q), unit_price: (price ?? "").trim() };
    });
}

/** Splits a comma-separated input into trimmed, non-empty values. */
export function splitList(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
