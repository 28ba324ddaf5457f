import { notify } from "../lib/notify";
import { Link, useParams } from "react-router";
import { Anchor, Group, List, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useCancelOrder, useOrder, type Order } from "../api/orders";
import { isNotFound } from "../api/client";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { ProblemAlert } from "../components/ProblemAlert";
import { ConfirmButton } from "../components/ConfirmButton";
import { Loading } from "../auth/guards";
import { NotFoundPage } from "./NotFoundPage";
import { shortId } from "../lib/ids";
import { ReorderButton } from "./buying/ReorderButton";

/** The order's history, oldest first, from its timestamps. */
export function history(o: Order): { key: string; at: string }[] {
  const events: { key: string; at: string | null | undefined }[] = [
    { key: "placed", at: o.created_at },
    { key: "erp", at: o.erp_acknowledged_at },
    { key: "claimed", at: o.claimed_at },
    { key: "fulfilled", at: o.fulfilled_at },
    { key: "cancelled", at: o.cancelled_at },
    { key: "expired", at: o.expired_at },
  ];
  return events
    .filter((e): e is { key: string; at: string } => Boolean(e.at))
    .sort((a, b) => a.at.localeCompare(b.at));
}

export function OrderPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const order = useOrder(id);
  const cancel = useCancelOrder(id);
  usePageTitle(t("order.title", { id: shortId(id) }));
  if (order.isPending) return <Loading />;
  if (isNotFound(order.error)) return <NotFoundPage />;
  if (order.isError) return <ProblemAlert error={order.error} />;
  const o = order.data;
  return (
    <Stack>
      <Anchor component={Link} to="/orders" size="sm">
        {t("order.back")}
      </Anchor>
      <Group justify="space-between" align="center">
        <Title order={1}>{t("order.title", { id: o.erp_number ?? shortId(o.id) })}</Title>
        <StatusBadge status={o.status} />
      </Group>
      <Text size="sm" c="dimmed">
        {t("order.meta", { warehouse: o.warehouse_id, date: f.dateTime(o.created_at) })}
      </Text>
      {o.status === "placed" && (
        <Text size="sm">{t("order.expiresAt", { date: f.dateTime(o.expires_at) })}</Text>
      )}
      <ScrollTable label={t("order.lines")} minWidth={340}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("cart.item")}</Table.Th>
              <Table.Th ta="right">{t("cart.quantity")}</Table.Th>
              <Table.Th ta="right">{t("cart.unitPrice")}</Table.Th>
              <Table.Th ta="right">{t("cart.lineTotal")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.lines.map((l) => (
              <Table.Tr key={l.sku}>
                <Table.Td>
                  <Text fw={500}>{l.name}</Text>
                  <Text size="xs" c="dimmed">{l.sku}</Text>
                </Table.Td>
                <Table.Td ta="right">{f.number(l.quantity)}</Table.Td>
                <Table.Td ta="right">{f.money(l.unit_price, o.currency)}</Table.Td>
                <Table.Td ta="right">{f.money(l.total, o.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <Stack gap={2} align="flex-end">
        <Text>{t("cart.subtotal", { amount: f.money(o.subtotal, o.currency) })}</Text>
        <Text>{t("cart.tax", { amount: f.money(o.tax, o.currency) })}</Text>
        <Text fw={700}>{t("cart.total", { amount: f.money(o.total, o.currency) })}</Text>
      </Stack>
      {o.note && <Text>{t("order.note", { note: o.note })}</Text>}
      <ReorderButton orderId={o.id} />
      <section aria-labelledby="history-heading">
        <Title order={2} size="h3" id="history-heading">
          {t("order.history")}
        </Title>
        <List>
          {history(o).map((e) => (
            <List.Item key={e.key}>
              {t(`order.event.${e.key}`)} — {f.dateTime(e.at)}
            </List.Item>
          ))}
        </List>
        {o.cancel_reason && <Text size="sm">{t("order.cancelReason", { reason: o.cancel_reason })}</Text>}
      </section>
      {cancel.isError && <ProblemAlert error={cancel.error} />}
      {o.status === "placed" && (
        <Group>
          <ConfirmButton
            label={t("order.cancel")}
            title={t("order.cancelTitle")}
            body={t("order.cancelBody")}
            confirmLabel={t("order.confirmCancel")}
            withReason
            loading={cancel.isPending}
            onConfirm={(reason) =>
              cancel.mutate(reason || undefined, {
                onSuccess: () => void notify({ message: t("order.cancelled"), color: "green" }),
              })
            }
          />
        </Group>
      )}
    </Stack>
  );
}
