import { Link } from "react-router";
import { Alert, Anchor, Badge, Button, List, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useReorder } from "../../api/buying";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";

const COLORS: Record<string, string> = { same: "gray", price_up: "orange", price_down: "green", no_longer_buyable: "red", short: "orange" };

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
                <Badge color={COLORS[l.change]} variant="light" size="sm">
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
