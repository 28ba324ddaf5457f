import { Link } from "react-router";
import { Anchor, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useQuotePages } from "../api/quotes";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";
import { shortId } from "../lib/ids";

/** F26: the customer's quotes. A quote is requested from the cart. */
export function QuotesPage() {
  const { t } = useTranslation();
  usePageTitle(t("quotes.title"));
  const f = useFormat();
  const pages = useQuotePages();
  const quotes = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1}>{t("quotes.title")}</Title>
      <Text size="sm" c="dimmed">
        {t("quotes.how")}
      </Text>
      {pages.isPending && <Loading />}
      {pages.isError && <ProblemAlert error={pages.error} />}
      {pages.isSuccess && quotes.length === 0 && <Text>{t("quotes.none")}</Text>}
      {quotes.length > 0 && (
        <ScrollTable label={t("quotes.title")} minWidth={340}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("quotes.number")}</Table.Th>
                <Table.Th>{t("quotes.requestedAt")}</Table.Th>
                <Table.Th>{t("orders.status")}</Table.Th>
                <Table.Th ta="right">{t("orders.total")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {quotes.map((q) => (
                <Table.Tr key={q.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/quotes/${encodeURIComponent(q.id)}`}>
                      {shortId(q.id)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{f.dateTime(q.created_at)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={q.status} />
                  </Table.Td>
                  <Table.Td ta="right">{q.total ? f.money(q.total, q.currency) : "—"}</Table.Td>
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
