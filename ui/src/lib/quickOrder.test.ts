import { describe, expect, it } from "vitest";
import { rowOfField, rowsToText, wholeInputProblem } from "./quickOrder";

describe("quick order helpers", () => {
  it("places field problems on rows and lines", () => {
    expect(rowOfField("rows[2].quantity")).toEqual({ row: 3, field: "quantity" });
    expect(rowOfField("text.line[7].sku")).toEqual({ row: 7, field: "sku" });
    expect(rowOfField("text.line[4]")).toEqual({ row: 4, field: "row" });
    expect(rowOfField("text")).toBeNull();
  });

  it("sends typed row n as line n of the text", () => {
    expect(
      rowsToText([
        { sku: " ham-16 ", quantity: "2" },
        { sku: "", quantity: "" },
        { sku: "SCR", quantity: "" },
      ]),
    ).toBe("ham-16\t2\n\nSCR\t");
  });

  it("tells a file with too many rows from one that is not a CSV", () => {
    expect(wholeInputProblem([{ field: "text", reason: "has 501 rows; at most 500 are checked" }])).toBe("tooMany");
    expect(wholeInputProblem([{ field: "text", reason: "is not a CSV" }])).toBe("notCsv");
    expect(wholeInputProblem([{ field: "text.line[2].sku", reason: "x" }])).toBeNull();
  });
});
