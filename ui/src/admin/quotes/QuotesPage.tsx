import { useState } from "react";
import { Anchor, NativeSelect, Stack, Table } from "@mantine/core";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { useAdminQuotes } from "../api/orders";
import { PageHeader, QueryState, StatusBadge } from "../common";

const QUOTE_STATUSES = ["requested", "answered", "accepted", "expired"] as const;

/** F26: quotes to answer (requested first), and the answered ones. */
export function AdminQuotesPage() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const [status, setStatus] = useState("requested");
  const q = useAdminQuotes(status);
  const rows = q.data?.items ?? [];
  return (
    <Stack>
      <PageHeader title={t("quotes.title")} />
      <NativeSelect
        label={t("common.status")}
        maw={240}
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value)}
        data={[{ value: "", label: t("common.any") }, ...QUOTE_STATUSES.map((s) => ({ value: s, label: t(`quoteStatus.${s}`) }))]}
      />
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("quotes.number")}</Table.Th>
                <Table.Th>{t("orders.customer")}</Table.Th>
                <Table.Th>{t("quotes.requestedAt")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("quotes.lines")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((x) => (
                <Table.Tr key={x.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/quotes/${encodeURIComponent(x.id)}`}>
                      {shortId(x.id)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{x.customer_name}</Table.Td>
                  <Table.Td>{f.dateTime(x.created_at)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={x.status} of="quote" />
                  </Table.Td>
                  <Table.Td>{x.lines.length}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
