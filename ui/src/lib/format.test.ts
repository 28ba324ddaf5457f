import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, formatNumber } from "./format";

describe("formatMoney", () => {
  it("keeps the decimal string exact and uses the locale's separators", () => {
    expect(formatMoney("1234.5", "MXN", "en")).toBe("MX$1,234.50");
    expect(formatMoney("0.10", "USD", "en")).toBe("$0.10");
    // Beyond a float's precision, still exact.
    expect(formatMoney("12345678901234567.89", "USD", "en")).toBe("$12,345,678,901,234,567.89");
    const es = formatMoney("1234.5", "EUR", "es");
    expect(es).toContain("1234,50");
    expect(es).toContain("€");
    expect(formatMoney("1234.5", "BRL", "pt-BR")).toMatch(/R\$\s1\.234,50/);
    expect(formatMoney("1234.5", "RON", "ro")).toMatch(/1\.234,50\sRON/);
  });

  it("shows what it cannot format as given", () => {
    expect(formatMoney("abc", "MXN", "en")).toBe("abc");
    expect(formatMoney("10", "NOTACODE", "en")).toBe("10.00 NOTACODE");
  });
});

describe("formatNumber", () => {
  it("groups digits per locale", () => {
    expect(formatNumber(12345, "en")).toBe("12,345");
    expect(formatNumber("12345", "pt-BR")).toBe("12.345");
    expect(formatNumber("2.5", "es")).toBe("2,5");
  });
});

describe("dates", () => {
  it("shows an instant in the store's time zone, not in UTC", () => {
    // 02:30 UTC on the 1st is still the 30th in Mexico City (UTC-6).
    const instant = "2026-12-01T02:30:00Z";
    expect(formatDateTime(instant, "en", "America/Mexico_City")).toBe("Nov 30, 2026, 8:30 PM");
    expect(formatDateTime(instant, "en", "UTC")).toBe("Dec 1, 2026, 2:30 AM");
    expect(formatDate(instant, "en", "America/Mexico_City")).toBe("Nov 30, 2026");
  });

  it("falls back to UTC for a time zone the browser does not know", () => {
    expect(formatDateTime("2026-12-01T02:30:00Z", "en", "Mars/Olympus_Mons")).toBe("Dec 1, 2026, 2:30 AM");
  });

  it("shows a calendar day as that day in any time zone", () => {
    expect(formatDate("2026-12-01", "en", "America/Mexico_City")).toBe("Dec 1, 2026");
    expect(formatDate("2026-12-01", "en", "Asia/Tokyo")).toBe("Dec 1, 2026");
    expect(formatDate("2026-12-01", "es")).toBe("1 dic 2026");
  });
});
