import { describe, expect, it } from "vitest";
import { defaultFilters, isoDay, niceMax } from "./range";

describe("report helpers", () => {
  it("rounds a chart's top up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(0.7)).toBe(1);
    expect(niceMax(130)).toBe(200);
    expect(niceMax(4999)).toBe(5000);
    expect(niceMax(5001)).toBe(10000);
  });

  it("defaults to the last 30 UTC days, ending today", () => {
    const f = defaultFilters();
    expect(f.to).toBe(isoDay(new Date()));
    const days = (Date.parse(`${f.to}T00:00:00Z`) - Date.parse(`${f.from}T00:00:00Z`)) / 86_400_000;
    expect(days).toBe(29);
    expect(f.granularity).toBe("day");
    expect(defaultFilters(365, "month").granularity).toBe("month");
  });
});
