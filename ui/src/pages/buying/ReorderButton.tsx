import { Link } from "react-router";
import { Alert, Anchor, Badge, Button, List, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useReorder } from "../../api/buying";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";

// Dark enough for white text at AA contrast (Mantine's greens are not); yellow gets dark text.
const COLORS: Record<string, string> = { same: "#495057", price_up: "yellow", price_down: "#1b5e20", no_longer_buyable: "#a51d1d", short: "yellow" };

/** F37: "Order again": the order's lines to the cart at today's prices, with what changed. */
export function ReorderButton({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const reorder = useReorder(orderId);
  const r = reorder.data;
  return (
    <Stack gap="xs">
      <div>
        <Button variant="default" onClick={() => reorder.mutate()} loading={reorder.isPending}>
          {t("buying.reorder.button")}
        </Button>
      </div>
      {reorder.isError && <ProblemAlert error={reorder.error} />}
      {r && (
        <Alert color="blue" variant="light" role="status" title={t("buying.reorder.done", { count: r.added })}>
          <List size="sm" spacing={4}>
            {r.lines.map((l) => (
              <List.Item key={l.sku}>
                <Text span fw={500}>{l.name}</Text>{" "}
                <Badge color={COLORS[l.change]} variant="filled" autoContrast size="sm">
                  {t(`buying.reorder.change.${l.change}`)}
                </Badge>{" "}
                {l.unit_price && l.change !== "same" && (
                  <Text span size="sm">
                    {t("buying.reorder.was", { before: f.money(l.previous_unit_price, l.previous_currency), now: f.money(l.unit_price, r.cart.currency ?? l.previous_currency) })}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
          <Anchor component={Link} to="/cart" size="sm">{t("buying.goToCart")}</Anchor>
        </Alert>
      )}
    </Stack>
  );
}
