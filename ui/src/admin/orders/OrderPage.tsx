import { Anchor, Button, Group, List, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { isNotFound } from "../../api/client";
import { Loading } from "../../auth/guards";
import { NotFoundPage } from "../../pages/NotFoundPage";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { useAdminOrder, useOrderAction, type Order } from "../api/orders";
import { PageHeader, Section, StatusBadge } from "../common";

function Actions({ o }: { o: Order }) {
  const { t } = useTranslation("admin");
  const act = useOrderAction(o.id);
  return (
    <Stack gap="xs">
      <Group gap="sm">
        {o.status === "placed" && (
          <Button loading={act.isPending && act.variables?.action === "claim"} onClick={() => act.mutate({ action: "claim" })}>
            {t("order.claim")}
          </Button>
        )}
        {o.status === "claimed" && (
          <Button color="teal.9" loading={act.isPending && act.variables?.action === "fulfil"} onClick={() => act.mutate({ action: "fulfil" })}>
            {t("order.fulfil")}
          </Button>
        )}
        {(o.status === "placed" || o.status === "claimed") && (
          <ConfirmButton
            color="red.9"
            label={t("order.cancel")}
            title={t("order.cancel")}
            body={t("order.cancelBody")}
            confirmLabel={t("order.cancel")}
            withReason
            onConfirm={(reason) => act.mutate({ action: "cancel", reason })}
          />
        )}
      </Group>
      <ProblemAlert error={act.error} />
    </Stack>
  );
}

/** One order for staff: lines, history and the F23 moves (the seller's email links here). */
export function AdminOrderPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useAdminOrder(id);
  if (q.isPending) return <Loading />;
  if (q.isError) return isNotFound(q.error) ? <NotFoundPage /> : <ProblemAlert error={q.error} />;
  const o = q.data;
  const history: { label: string; at?: string | null; by?: string }[] = [
    { label: t("order.placed"), at: o.created_at, by: o.placed_by.name },
    { label: t("order.claimed"), at: o.claimed_at, by: o.claimed_by?.name },
    { label: t("order.fulfilled"), at: o.fulfilled_at, by: o.fulfilled_by?.name },
    { label: t("order.cancelled"), at: o.cancelled_at, by: o.cancelled_by?.name },
    { label: t("order.expired"), at: o.expired_at },
  ];
  return (
    <Stack gap="lg">
      <PageHeader title={t("order.title", { id: o.erp_number ?? shortId(o.id) })}>
        <StatusBadge status={o.status} of="order" />
      </PageHeader>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={2}>
          <Text>
            {t("orders.customer")}:{" "}
            <Anchor component={Link} to={`/admin/customers/${encodeURIComponent(o.customer_id)}`}>
              {o.customer_name}
            </Anchor>
          </Text>
          <Text>{t("order.warehouse", { id: o.warehouse_id })}</Text>
          {o.contact_email && <Text>{t("order.contact", { email: o.contact_email, phone: o.contact_phone ?? "" })}</Text>}
          {o.note && <Text>{t("order.note", { note: o.note })}</Text>}
          {o.status === "placed" && <Text fw={600}>{t("order.expiresAt", { date: f.dateTime(o.expires_at) })}</Text>}
          <Text>
            {t("order.erp")}: {o.erp_number ?? t("order.erpPending")}
          </Text>
        </Stack>
        <Actions o={o} />
      </SimpleGrid>
      <Section title={t("order.lines")}>
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("items.sku")}</Table.Th>
                <Table.Th>{t("items.name")}</Table.Th>
                <Table.Th ta="right">{t("order.quantity")}</Table.Th>
                <Table.Th ta="right">{t("order.unitPrice")}</Table.Th>
                <Table.Th ta="right">{t("orders.total")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {o.lines.map((l) => (
                <Table.Tr key={l.sku}>
                  <Table.Td>{l.sku}</Table.Td>
                  <Table.Td>{l.name}</Table.Td>
                  <Table.Td ta="right">{f.number(l.quantity)}</Table.Td>
                  <Table.Td ta="right">{f.money(l.unit_price, o.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(l.total, o.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Stack gap={0} align="flex-end">
          <Text>{t("order.subtotal", { amount: f.money(o.subtotal, o.currency) })}</Text>
          <Text>{t("order.tax", { amount: f.money(o.tax, o.currency) })}</Text>
          <Text fw={700}>{t("order.total", { amount: f.money(o.total, o.currency) })}</Text>
        </Stack>
      </Section>
      <Section title={t("order.history")}>
        <List>
          {history
            .filter((h) => h.at)
            .map((h) => (
              <List.Item key={h.label}>
                {h.label}: {f.dateTime(h.at!)}
                {h.by ? ` · ${h.by}` : ""}
              </List.Item>
            ))}
          {o.cancel_reason && <List.Item>{t("order.reason", { reason: o.cancel_reason })}</List.Item>}
        </List>
      </Section>
    </Stack>
  );
}
