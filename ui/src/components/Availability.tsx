import { Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useFormat } from "../lib/useFormat";

type A = { in_stock: boolean; quantity?: number | null };

/** Availability as the store's setting says (F18): a number of units, or only yes/no. */
export function AvailabilityText({ availability }: { availability: A }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (typeof availability.quantity === "number") {
    return (
      <Text size="sm" c={availability.quantity > 0 ? undefined : "red.9"}>
        {t("catalog.availableQty", { quantity: f.number(availability.quantity) })}
      </Text>
    );
  }
  return (
    <Text size="sm" c={availability.in_stock ? undefined : "red.9"}>
      {availability.in_stock ? t("catalog.inStock") : t("catalog.outOfStock")}
    </Text>
  );
}
