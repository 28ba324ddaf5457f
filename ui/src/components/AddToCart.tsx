import { notify } from "../lib/notify";
import { useState } from "react";
import { Button, Group, NumberInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCartChange } from "../api/cart";
import { problemMessage } from "../lib/problems";

/** Quantity and "Add to cart" for one item (contacts allowed to order). */
export function AddToCart({ sku, name, compact }: { sku: string; name: string; compact?: boolean }) {
  const { t } = useTranslation();
  const [quantity, setQuantity] = useState<number | string>(1);
  const change = useCartChange();
  const q = typeof quantity === "number" ? quantity : Number.parseInt(quantity, 10);
  const valid = Number.isInteger(q) && q >= 1;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-end">
      <NumberInput
        label={t("catalog.quantity")}
        aria-label={t("catalog.quantityOf", { name })}
        labelProps={compact ? { className: "visually-hidden" } : undefined}
        min={1}
        max={100000}
        allowDecimal={false}
        allowNegative={false}
        value={quantity}
        onChange={setQuantity}
        w={90}
        size={compact ? "xs" : "sm"}
      />
      <Button
        size={compact ? "xs" : "sm"}
        disabled={!valid}
        loading={change.isPending}
        onClick={() =>
          change.mutate(
            { kind: "add", sku, quantity: q },
            {
              onSuccess: () =>
                void notify({ message: t("catalog.added", { name, quantity: q }), color: "green" }),
              onError: (e) =>
                void notify({ title: t("errors.title"), message: problemMessage(e, t).text, color: "red" }),
            },
          )
        }
      >
        {t("catalog.addToCart")}
      </Button>
    </Group>
  );
}
