import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formatDate, formatDateTime, formatMoney, formatNumber, DEFAULT_TIME_ZONE } from "./format";
import { useAuth } from "../auth/useAuth";

/** The formatting helpers in the current language and the store's time zone (F33). */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  // The store's time zone (F33), from /v1/me once logged in.
  const tz = useAuth().me?.store.time_zone ?? DEFAULT_TIME_ZONE;
  return useMemo(
    () => ({
      locale,
      timeZone: tz,
      money: (amount: string | number, currency: string) => formatMoney(amount, currency, locale),
      number: (n: string | number) => formatNumber(n, locale),
      date: (d: string) => formatDate(d, locale, tz),
      dateTime: (d: string) => formatDateTime(d, locale, tz),
    }),
    [locale, tz],
  );
}
