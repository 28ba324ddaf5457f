import { describe, expect, it } from "vitest";
import { addLine, inputsOf, lineProblem, removeLine, setQuantity } from "./cart";

describe("cart lines", () => {
  it("merges the same SKU and keeps the order of first addition", () => {
    let lines = addLine([], "A", 2);
    lines = addLine(lines, "B", 1);
    lines = addLine(lines, "A", 3);
    expect(lines).toEqual([
      { sku: "A", quantity: 5 },
      { sku: "B", quantity: 1 },
    ]);
  });

  it("ignores a quantity that is not a positive whole number", () => {
    expect(addLine([], "A", 0)).toEqual([]);
    expect(addLine([], "A", -1)).toEqual([]);
    expect(addLine([], "A", 1.5)).toEqual([]);
  });

  it("sets a quantity, and removes the line at zero", () => {
    const lines = [
      { sku: "A", quantity: 5 },
      { sku: "B", quantity: 1 },
    ];
    expect(setQuantity(lines, "A", 2)).toEqual([
      { sku: "A", quantity: 2 },
      { sku: "B", quantity: 1 },
    ]);
    expect(setQuantity(lines, "A", 0)).toEqual([{ sku: "B", quantity: 1 }]);
    expect(setQuantity(lines, "B", Number.NaN)).toEqual([{ sku: "A", quantity: 5 }]);
    expect(removeLine(lines, "A")).toEqual([{ sku: "B", quantity: 1 }]);
  });

  it("turns priced lines back into inputs, merging duplicates", () => {
    expect(
      inputsOf([
        { sku: "A", quantity: 1 },
        { sku: "B", quantity: 2 },
        { sku: "A", quantity: 4 },
      ]),
    ).toEqual([
      { sku: "A", quantity: 5 },
      { sku: "B", quantity: 2 },
    ]);
  });
});

describe("line problems", () => {
  it("names the available quantity of a short line when the store shows quantities", () => {
    expect(
      lineProblem({
        sku: "A",
        quantity: 10,
        purchasable: false,
        reason: "stock_short",
        availability: { in_stock: true, available_quantity: 3 },
      }),
    ).toEqual({ key: "cart.problem.stockShort", available: 3 });
  });

  it("says short without a number in yes/no mode", () => {
    expect(
      lineProblem({ sku: "A", quantity: 10, purchasable: false, reason: "stock_short", availability: { in_stock: false } }),
    ).toEqual({ key: "cart.problem.stockShortNoQty" });
  });

  it("has nothing to say about a buyable line, and a message for every other reason", () => {
    expect(lineProblem({ sku: "A", quantity: 1, purchasable: true })).toBeNull();
    for (const reason of ["no_price", "inactive", "invalid_quantity", "not_found"] as const) {
      expect(lineProblem({ sku: "A", quantity: 1, purchasable: false, reason })?.key).toMatch(/^cart\.problem\./);
    }
  });
});
