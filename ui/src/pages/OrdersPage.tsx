import { Link } from "react-router";
import { Anchor, Button, Group, NativeSelect, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useOrderPages } from "../api/orders";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";
import { shortId } from "../lib/ids";
import { MyApprovalRequests } from "./company/ApprovalPage";

export const ORDER_STATUSES = ["placed", "claimed", "fulfilled", "cancelled", "expired"] as const;

/** F23-F25: the customer's orders with their status, newest first. */
export function OrdersPage() {
  const { t } = useTranslation();
  usePageTitle(t("orders.title"));
  const f = useFormat();
  const [status, setStatus] = useState("");
  const pages = useOrderPages(status || undefined);
  const orders = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1}>{t("orders.title")}</Title>
      <MyApprovalRequests />
      <NativeSelect
        label={t("orders.filterStatus")}
        maw={240}
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value)}
        data={[{ value: "", label: t("orders.anyStatus") }, ...ORDER_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))]}
      />
      {pages.isPending && <Loading />}
      {pages.isError && <ProblemAlert error={pages.error} />}
      {pages.isSuccess && orders.length === 0 && <Text>{t("orders.none")}</Text>}
      {orders.length > 0 && (
        <ScrollTable label={t("orders.title")} minWidth={360}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("orders.number")}</Table.Th>
                <Table.Th>{t("orders.placedAt")}</Table.Th>
                <Table.Th>{t("orders.status")}</Table.Th>
                <Table.Th>{t("orders.lines")}</Table.Th>
                <Table.Th ta="right">{t("orders.total")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orders.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orders/${encodeURIComponent(o.id)}`}>
                      {o.erp_number ?? shortId(o.id)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{f.dateTime(o.created_at)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={o.status} />
                  </Table.Td>
                  <Table.Td>{f.number(o.line_count)}</Table.Td>
                  <Table.Td ta="right">{f.money(o.total, o.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {pages.hasNextPage && (
        <Group justify="center">
          <Button variant="outline" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {t("catalog.loadMore")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
