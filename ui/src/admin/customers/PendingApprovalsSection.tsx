import { Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../lib/useFormat";
import { usePendingApprovals } from "../api/customers";
import { QueryState, Section } from "../common";

/** F39: what waits for the customer's own managers (staff see it; the managers decide). */
export function PendingApprovalsSection({ customerId }: { customerId: string }) {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = usePendingApprovals(customerId);
  const rows = q.data ?? [];
  return (
    <Section title={t("companyAdmin.pending")}>
      <QueryState q={q} empty={false} />
      {q.isSuccess && rows.length === 0 && <Text>{t("companyAdmin.none")}</Text>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("companyAdmin.requestedBy")}</Table.Th>
                <Table.Th>{t("companyAdmin.requestedAt")}</Table.Th>
                <Table.Th ta="right">{t("companyAdmin.total")}</Table.Th>
                <Table.Th ta="right">{t("companyAdmin.limitCol")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    {a.requested_by.name} ({a.requested_by.id})
                  </Table.Td>
                  <Table.Td>{f.dateTime(a.created_at)}</Table.Td>
                  <Table.Td ta="right">{f.money(a.total, a.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(a.limit.amount, a.limit.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}
