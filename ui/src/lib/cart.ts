// Cart state kept by the server (F21): the UI edits a list of {sku, quantity} and PUTs it whole;
// the server answers the cart priced now, each line with its problem if it cannot be bought.
// These helpers are pure, so that the merging and the problems are unit-tested.

export type CartLineInput = { sku: string; quantity: number };

export const MAX_LINES = 500;

/** Adds `quantity` of `sku`: merged into its line when there is one, else a new line at the end. */
export function addLine(lines: CartLineInput[], sku: string, quantity: number): CartLineInput[] {
  if (!Number.isInteger(quantity) || quantity < 1) return lines;
  const at = lines.findIndex((l) => l.sku === sku);
  if (at === -1) return [...lines, { sku, quantity }];
  return lines.map((l, i) => (i === at ? { sku, quantity: l.quantity + quantity } : l));
}

/** Sets a line's quantity; 0 (or less) removes the line. */
export function setQuantity(lines: CartLineInput[], sku: string, quantity: number): CartLineInput[] {
  if (!Number.isFinite(quantity) || quantity < 1) return removeLine(lines, sku);
  const q = Math.floor(quantity);
  return lines.map((l) => (l.sku === sku ? { sku, quantity: q } : l));
}

export function removeLine(lines: CartLineInput[], sku: string): CartLineInput[] {
  return lines.filter((l) => l.sku !== sku);
}

/** The lines of a priced cart as the PUT body wants them, same SKUs merged in first-seen order. */
export function inputsOf(lines: { sku: string; quantity: number }[]): CartLineInput[] {
  return lines.reduce<CartLineInput[]>((acc, l) => addLine(acc, l.sku, l.quantity), []);
}

export type LineIssue = "not_found" | "inactive" | "invalid_quantity" | "no_price" | "stock_short";

export type PricedLine = {
  sku: string;
  quantity: number;
  purchasable: boolean;
  reason?: LineIssue | null;
  availability?: { in_stock: boolean; available_quantity?: number | null } | null;
};

/** What to show next to a line that cannot be bought as asked (null: nothing). */
export function lineProblem(line: PricedLine): { key: string; available?: number } | null {
  if (line.purchasable) return null;
  switch (line.reason) {
    case "stock_short": {
      const available = line.availability?.available_quantity;
      return typeof available === "number"
        ? { key: "cart.problem.stockShort", available }
        : { key: "cart.problem.stockShortNoQty" };
    }
    case "no_price":
      return { key: "cart.problem.noPrice" };
    case "inactive":
      return { key: "cart.problem.inactive" };
    case "invalid_quantity":
      return { key: "cart.problem.invalidQuantity" };
    case "not_found":
      return { key: "cart.problem.notFound" };
    default:
      return { key: "cart.problem.notBuyable" };
  }
}

/** A fresh Idempotency-Key for one checkout attempt. */
export function newCheckoutKey(): string {
  return crypto.randomUUID();
}
