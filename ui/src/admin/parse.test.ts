import { describe, expect, it } from "vitest";
import { parseLines } from "./parse";
import { parseTiers } from "./parse";
import { splitList } from "./parse";

describe("order lines typed by staff", () => {
  it("reads a SKU and a quantity per line, whatever separates them", () => {
    expect(parseLines("TAL-001 5\nA-2,3\n\nB;10\nC\t1")).toEqual([
      { sku: "TAL-001", quantity: 5 },
      { sku: "A-2", quantity: 3 },
      { sku: "B", quantity: 10 },
      { sku: "C", quantity: 1 },
    ]);
  });
  it("refuses a line without a whole quantity, and an empty text", () => {
    expect(parseLines("TAL-001 five")).toBeNull();
    expect(parseLines("TAL-001 1.5")).toBeNull();
    expect(parseLines("  \n ")).toBeNull();
  });
});

describe("price tiers as the import files write them", () => {
  it("reads min_quantity:unit_price pairs separated by |", () => {
    expect(parseTiers("10:95.00| 50:90.00")).toEqual([
      { min_quantity: 10, unit_price: "95.00" },
      { min_quantity: 50, unit_price: "90.00" },
    ]);
    expect(parseTiers("")).toEqual([]);
  });
});

describe("comma lists", () => {
  it("trims and drops empty values", () => {
    expect(splitList(" vip, norte ,,")).toEqual(["vip", "norte"]);
  });
});
