// Numbers, money and dates through Intl, in the user's language. Money arrives from the API as a
// decimal string plus a currency code; Intl formats the string as given (no float rounding).

export type Locale = "en" | "es" | "pt-BR" | "ro";

/** The store's time zone when the API has not said (F33 makes it a setting). */
export const DEFAULT_TIME_ZONE = "UTC";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, options);
    } catch {
      // A time zone this browser does not know: UTC rather than no date at all.
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: DEFAULT_TIME_ZONE });
    }
    cache.set(key, f);
  }
  return f;
}

/** A decimal string is kept exact: Intl.NumberFormat formats strings without going through a float. */
function asDecimal(amount: string | number): string | number {
  if (typeof amount === "number") return amount;
  const trimmed = amount.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? trimmed : Number.NaN;
}

/** `"1234.5"`, `"MXN"` -> `"MX$1,234.50"` (en), `"1.234,50 MXN"`-like in other locales. */
export function formatMoney(amount: string | number, currency: string, locale: string): string {
  const value = asDecimal(amount);
  if (typeof value === "number" && Number.isNaN(value)) return String(amount);
  try {
    return numberFormat(locale, { style: "currency", currency, minimumFractionDigits: 2 }).format(
      value as number,
    );
  } catch {
    // An unknown currency code: the number and the code as given.
    return `${numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(value as number)} ${currency}`;
  }
}

export function formatNumber(value: string | number, locale: string): string {
  const v = asDecimal(value);
  if (typeof v === "number" && Number.isNaN(v)) return String(value);
  return numberFormat(locale, { maximumFractionDigits: 3 }).format(v as number);
}

/** A percentage given as a fraction (`0.16` -> `16%`). */
export function formatPercent(fraction: string | number, locale: string): string {
  const v = typeof fraction === "string" ? Number(fraction) : fraction;
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(v);
}

function toDate(value: string | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A calendar date. A bare `YYYY-MM-DD` (a due date, an invoice date) is a day, not an instant:
 * it is shown as that day whatever the time zone.
 */
export function formatDate(value: string | Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = toDate(`${value}T12:00:00Z`);
    return d ? dateFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(d) : value;
  }
  const d = toDate(value);
  return d ? dateFormat(locale, { dateStyle: "medium", timeZone }).format(d) : String(value);
}

/** An instant (an order placed, a login) in the store's time zone. */
export function formatDateTime(value: string | Date, locale: string, timeZone = DEFAULT_TIME_ZONE): string {
  const d = toDate(value);
  return d
    ? dateFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(d)
    : String(value);
}
