import { Anchor, Group, NativeSelect, Stack, Table, Text } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { useAdminOrderPages } from "../api/orders";
import { useCustomer } from "../api/customers";
import { LoadMore, PageHeader, QueryState, StatusBadge } from "../common";

export const ORDER_STATUSES = ["placed", "claimed", "fulfilled", "cancelled", "expired"] as const;

function CustomerFilter({ id, onClear }: { id: string; onClear: () => void }) {
  const { t } = useTranslation("admin");
  const c = useCustomer(id);
  return (
    <Group gap="xs">
      <Text>{t("orders.forCustomer", { name: c.data?.name ?? id })}</Text>
      <Anchor component="button" type="button" onClick={onClear}>
        {t("orders.allCustomers")}
      </Anchor>
    </Group>
  );
}

/** F23: every order (an agent's: its customers'), filtered by status and customer. */
export function AdminOrdersPage() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const customer = params.get("customer") ?? "";
  const pages = useAdminOrderPages({ status, customer });
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const setParam = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <Stack>
      <PageHeader title={t("orders.title")} />
      <Group align="flex-end">
        <NativeSelect
          label={t("common.status")}
          value={status}
          onChange={(e) => setParam("status", e.currentTarget.value)}
          data={[{ value: "", label: t("common.any") }, ...ORDER_STATUSES.map((s) => ({ value: s, label: t(`orderStatus.${s}`) }))]}
        />
        {customer && <CustomerFilter id={customer} onClear={() => setParam("customer", "")} />}
      </Group>
      <QueryState q={pages} empty={pages.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("orders.number")}</Table.Th>
                <Table.Th>{t("orders.customer")}</Table.Th>
                <Table.Th>{t("orders.placedAt")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("orders.expiresAt")}</Table.Th>
                <Table.Th ta="right">{t("orders.total")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/orders/${encodeURIComponent(o.id)}`} aria-label={t("orders.open", { id: o.erp_number ?? shortId(o.id), customer: o.customer_name })}>
                      {o.erp_number ?? shortId(o.id)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/customers/${encodeURIComponent(o.customer_id)}`}>
                      {o.customer_name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{f.dateTime(o.created_at)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={o.status} of="order" />
                  </Table.Td>
                  <Table.Td>{o.status === "placed" ? f.dateTime(o.expires_at) : "—"}</Table.Td>
                  <Table.Td ta="right">{f.money(o.total, o.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore q={pages} />
    </Stack>
  );
}
