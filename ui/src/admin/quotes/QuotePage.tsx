import { useState } from "react";
import { Anchor, Button, Stack, Table, Text, TextInput } from "@mantine/core";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { isNotFound } from "../../api/client";
import { Loading } from "../../auth/guards";
import { NotFoundPage } from "../../pages/NotFoundPage";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useAdminQuote, useAnswerQuote, type CustomerQuote } from "../api/orders";
import { PageHeader, Section, StatusBadge } from "../common";

function inDays(n: number): string {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

function AnswerForm({ quote }: { quote: CustomerQuote }) {
  const { t } = useTranslation("admin");
  const answer = useAnswerQuote(quote.id);
  const [prices, setPrices] = useState<Record<string, string>>(() =>
    Object.fromEntries(quote.lines.map((l) => [l.sku, l.unit_price ?? l.list_unit_price ?? ""])),
  );
  const [validUntil, setValidUntil] = useState(inDays(7));
  const [note, setNote] = useState("");
  return (
    <Section title={t("quote.answerTitle")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          answer.mutate({
            lines: quote.lines.map((l) => ({ sku: l.sku, unit_price: (prices[l.sku] ?? "").trim() })),
            valid_until: validUntil,
            note: note.trim() || null,
          });
        }}
      >
        <Stack>
          {quote.lines.map((l) => (
            <TextInput
              key={l.sku}
              label={t("quote.priceFor", { sku: l.sku, name: l.name, quantity: l.quantity })}
              inputMode="decimal"
              required
              value={prices[l.sku] ?? ""}
              onChange={(e) => setPrices({ ...prices, [l.sku]: e.currentTarget.value })}
            />
          ))}
          <TextInput label={t("quote.validUntil")} type="date" required value={validUntil} onChange={(e) => setValidUntil(e.currentTarget.value)} />
          <TextInput label={t("quote.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          <ProblemAlert error={answer.error} />
          <Button type="submit" loading={answer.isPending} w="fit-content">
            {t("quote.answer")}
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

export function AdminQuotePage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useAdminQuote(id);
  if (q.isPending) return <Loading />;
  if (q.isError) return isNotFound(q.error) ? <NotFoundPage /> : <ProblemAlert error={q.error} />;
  const x = q.data;
  return (
    <Stack gap="lg">
      <PageHeader title={t("quote.title", { id: shortId(x.id) })}>
        <StatusBadge status={x.status} of="quote" />
      </PageHeader>
      <Text>
        {t("orders.customer")}:{" "}
        <Anchor component={Link} to={`/admin/customers/${encodeURIComponent(x.customer_id)}`}>
          {x.customer_name}
        </Anchor>{" "}
        · {t("order.warehouse", { id: x.warehouse_id })} · {x.requested_by.name}
      </Text>
      {x.note && <Text>{t("order.note", { note: x.note })}</Text>}
      <Table.ScrollContainer minWidth={520}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("items.sku")}</Table.Th>
              <Table.Th>{t("items.name")}</Table.Th>
              <Table.Th ta="right">{t("order.quantity")}</Table.Th>
              <Table.Th ta="right">{t("quote.listPrice")}</Table.Th>
              <Table.Th ta="right">{t("order.unitPrice")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {x.lines.map((l) => (
              <Table.Tr key={l.sku}>
                <Table.Td>{l.sku}</Table.Td>
                <Table.Td>{l.name}</Table.Td>
                <Table.Td ta="right">{f.number(l.quantity)}</Table.Td>
                <Table.Td ta="right">{l.list_unit_price ? f.money(l.list_unit_price, x.currency) : "—"}</Table.Td>
                <Table.Td ta="right">{l.unit_price ? f.money(l.unit_price, x.currency) : "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {x.total && <Text fw={700}>{t("order.total", { amount: f.money(x.total, x.currency) })}</Text>}
      {x.valid_until && <Text>{t("quote.validUntilText", { date: f.date(x.valid_until) })}</Text>}
      {x.answer_note && <Text>{t("quote.answerNote", { note: x.answer_note })}</Text>}
      {x.order_id && (
        <Anchor component={Link} to={`/admin/orders/${encodeURIComponent(x.order_id)}`}>
          {t("quote.order")}
        </Anchor>
      )}
      {(x.status === "requested" || x.status === "answered") && <AnswerForm quote={x} />}
    </Stack>
  );
}
