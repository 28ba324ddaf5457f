import { Card, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useStatement } from "../api/documents";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";

/** F28: paid and unpaid, overdue and not yet due, and the credit still available. */
export function StatementPage() {
  const { t } = useTranslation();
  usePageTitle(t("statement.title"));
  const f = useFormat();
  const st = useStatement();
  if (st.isPending) return <Loading />;
  if (st.isError) return <ProblemAlert error={st.error} />;
  const s = st.data;
  const figures: [string, string, string][] = [
    ["paid", s.paid, s.currency],
    ["unpaid", s.unpaid, s.currency],
    ["overdue", s.overdue, s.currency],
    ["notYetDue", s.not_yet_due, s.currency],
    ["creditAvailable", s.credit.available, s.credit.currency ?? s.currency],
  ];
  return (
    <Stack>
      <Title order={1}>{t("statement.title")}</Title>
      <Text size="sm" c="dimmed">
        {t("statement.asOf", { date: f.date(s.as_of) })}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }}>
        {figures.map(([key, amount, currency]) => (
          <Card withBorder key={key}>
            <Text size="sm" c="dimmed">
              {t(`statement.${key}`)}
            </Text>
            <Text fw={700} size="lg">
              {f.money(amount, currency)}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      {s.by_currency.length > 1 && (
        <ScrollTable label={t("statement.byCurrency")} minWidth={360}>
          <Table aria-label={t("statement.byCurrency")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("statement.currency")}</Table.Th>
                <Table.Th ta="right">{t("statement.paid")}</Table.Th>
                <Table.Th ta="right">{t("statement.unpaid")}</Table.Th>
                <Table.Th ta="right">{t("statement.overdue")}</Table.Th>
                <Table.Th ta="right">{t("statement.notYetDue")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.by_currency.map((c) => (
                <Table.Tr key={c.currency}>
                  <Table.Td>{c.currency}</Table.Td>
                  <Table.Td ta="right">{f.money(c.paid, c.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(c.unpaid, c.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(c.overdue, c.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(c.not_yet_due, c.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
