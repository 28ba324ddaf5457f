import { notify } from "../lib/notify";
import { Link, useNavigate, useParams } from "react-router";
import { Anchor, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useAcceptQuote, useQuote } from "../api/quotes";
import { isNotFound } from "../api/client";
import { useAuth } from "../auth/useAuth";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";
import { NotFoundPage } from "./NotFoundPage";
import { shortId } from "../lib/ids";

export function QuotePage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const auth = useAuth();
  const navigate = useNavigate();
  const quote = useQuote(id);
  const accept = useAcceptQuote(id);
  usePageTitle(t("quote.title", { id: shortId(id) }));
  if (quote.isPending) return <Loading />;
  if (isNotFound(quote.error)) return <NotFoundPage />;
  if (quote.isError) return <ProblemAlert error={quote.error} />;
  const q = quote.data;
  return (
    <Stack>
      <Anchor component={Link} to="/quotes" size="sm">
        {t("quote.back")}
      </Anchor>
      <Group justify="space-between">
        <Title order={1}>{t("quote.title", { id: shortId(q.id) })}</Title>
        <StatusBadge status={q.status} />
      </Group>
      <Text size="sm" c="dimmed">
        {t("quote.meta", { warehouse: q.warehouse_id, date: f.dateTime(q.created_at) })}
      </Text>
      {q.note && <Text>{t("quote.yourNote", { note: q.note })}</Text>}
      <ScrollTable label={t("quote.lines")} minWidth={340}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("cart.item")}</Table.Th>
              <Table.Th ta="right">{t("cart.quantity")}</Table.Th>
              <Table.Th ta="right">{t("quote.listPrice")}</Table.Th>
              <Table.Th ta="right">{t("quote.quotedPrice")}</Table.Th>
              <Table.Th ta="right">{t("cart.lineTotal")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.lines.map((l) => (
              <Table.Tr key={l.sku}>
                <Table.Td>
                  <Text fw={500}>{l.name}</Text>
                  <Text size="xs" c="dimmed">{l.sku}</Text>
                </Table.Td>
                <Table.Td ta="right">{f.number(l.quantity)}</Table.Td>
                <Table.Td ta="right">{l.list_unit_price ? f.money(l.list_unit_price, q.currency) : "—"}</Table.Td>
                <Table.Td ta="right">{l.unit_price ? f.money(l.unit_price, q.currency) : "—"}</Table.Td>
                <Table.Td ta="right">{l.total ? f.money(l.total, q.currency) : "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {q.total && (
        <Stack gap={2} align="flex-end">
          <Text>{t("cart.subtotal", { amount: f.money(q.subtotal ?? "0", q.currency) })}</Text>
          <Text>{t("cart.tax", { amount: f.money(q.tax ?? "0", q.currency) })}</Text>
          <Text fw={700}>{t("cart.total", { amount: f.money(q.total, q.currency) })}</Text>
        </Stack>
      )}
      {q.status === "requested" && <Text>{t("quote.waiting")}</Text>}
      {q.answer_note && <Text>{t("quote.answerNote", { note: q.answer_note })}</Text>}
      {q.valid_until && q.status === "answered" && (
        <Text size="sm">{t("quote.validUntil", { date: f.dateTime(q.valid_until) })}</Text>
      )}
      {q.order_id && (
        <Anchor component={Link} to={`/orders/${encodeURIComponent(q.order_id)}`}>
          {t("quote.seeOrder")}
        </Anchor>
      )}
      {accept.isError && <ProblemAlert error={accept.error} title={t("checkout.refused")} />}
      {q.status === "answered" && auth.permissions?.place_orders !== false && (
        <Group>
          <Button
            loading={accept.isPending}
            onClick={() =>
              accept.mutate(undefined, {
                onSuccess: (order) => {
                  void notify({ message: t("quote.accepted"), color: "green" });
                  navigate(`/orders/${encodeURIComponent(order.id)}`);
                },
              })
            }
          >
            {t("quote.accept")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
