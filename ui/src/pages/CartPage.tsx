import { notify } from "../lib/notify";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useCart, useCartChange, type CartView } from "../api/cart";
import { usePlaceOrder } from "../api/orders";
import { useRequestQuote } from "../api/quotes";
import { useAuth } from "../auth/useAuth";
import { inputsOf, lineProblem, newCheckoutKey, removeLine, setQuantity } from "../lib/cart";
import { problemCode, lineIndex } from "../lib/problems";
import { ApiError } from "../api/client";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";

type Line = CartView["lines"][number];

function QuantityCell({ line, onChange }: { line: Line; onChange: (q: number) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<number | string>(line.quantity);
  useEffect(() => setValue(line.quantity), [line.quantity]);
  const problemId = `problem-${line.sku}`;
  const commit = () => {
    const q = typeof value === "number" ? value : Number.parseInt(value, 10);
    if (Number.isInteger(q) && q !== line.quantity) onChange(q);
  };
  return (
    <NumberInput
      aria-label={t("cart.quantityOf", { name: line.name ?? line.sku })}
      aria-describedby={line.purchasable ? undefined : problemId}
      min={0}
      allowDecimal={false}
      allowNegative={false}
      value={value}
      onChange={setValue}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
      }}
      w={90}
      size="xs"
    />
  );
}

/** F21 cart, priced live, and F22 place order (one Idempotency-Key per checkout attempt). */
export function CartPage() {
  const { t } = useTranslation();
  usePageTitle(t("cart.title"));
  const f = useFormat();
  const navigate = useNavigate();
  const auth = useAuth();
  const cart = useCart();
  const change = useCartChange();
  const place = usePlaceOrder();
  const requestQuote = useRequestQuote();
  const [note, setNote] = useState("");
  const data = cart.data;

  // One key per checkout attempt: a double click or a retry of the same attempt re-sends the
  // same key (the API answers with the one order); any change to the cart starts a new attempt.
  const attempt = useMemo(
    () => `${data?.updated_at ?? ""}|${data?.warehouse_id ?? ""}|${note}`,
    [data?.updated_at, data?.warehouse_id, note],
  );
  const keyRef = useRef<{ attempt: string; key: string }>({ attempt: "", key: newCheckoutKey() });
  if (keyRef.current.attempt !== attempt) keyRef.current = { attempt, key: newCheckoutKey() };
  const placing = useRef(false);

  if (cart.isPending) return <Loading />;
  if (cart.isError) return <ProblemAlert error={cart.error} />;
  const c = cart.data;
  const currency = c.currency ?? "";
  const lines = inputsOf(c.lines);
  const warehouses = auth.me?.customer?.warehouse_ids ?? [];
  const canOrder = auth.permissions?.place_orders !== false;
  const canQuote = auth.permissions?.create_quotes !== false;

  const refusal = place.error ?? null;
  const refusedLines = new Set<number>();
  if (refusal instanceof ApiError) {
    for (const e of refusal.problem.errors ?? []) {
      const i = lineIndex(e.field);
      if (i !== null) refusedLines.add(i);
    }
  }

  const submit = () => {
    if (placing.current) return;
    placing.current = true;
    place.mutate(
      { key: keyRef.current.key, body: { warehouse_id: c.warehouse_id, note: note.trim() || undefined } },
      {
        onSuccess: (order) => {
          keyRef.current = { attempt: "", key: newCheckoutKey() };
          // F39: above the contact's limit the answer is an approval request (202), not an order.
          if ("limit" in order) {
            void notify({ message: t("company.submitted"), color: "green" });
            navigate(`/approvals/${encodeURIComponent(order.id)}`);
            return;
          }
          void notify({ message: t("checkout.placed"), color: "green" });
          navigate(`/orders/${encodeURIComponent(order.id)}`);
        },
        onSettled: () => {
          placing.current = false;
        },
      },
    );
  };

  return (
    <Stack>
      <Title order={1}>{t("cart.title")}</Title>
      {c.lines.length === 0 ? (
        <Text>
          {t("cart.empty")}{" "}
          <Anchor component={Link} to="/catalog">
            {t("cart.browse")}
          </Anchor>
        </Text>
      ) : (
        <>
          <NativeSelect
            label={t("cart.warehouse")}
            maw={320}
            value={c.warehouse_id}
            onChange={(e) => change.mutate({ kind: "warehouse", warehouse_id: e.currentTarget.value })}
            data={warehouses.map((w) => ({ value: w, label: w }))}
          />
          <ScrollTable label={t("cart.lines")} minWidth={340}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("cart.item")}</Table.Th>
                  <Table.Th>{t("cart.quantity")}</Table.Th>
                  <Table.Th ta="right">{t("cart.unitPrice")}</Table.Th>
                  <Table.Th ta="right">{t("cart.lineTotal")}</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">{t("cart.actions")}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.lines.map((line, i) => {
                  const problem = lineProblem(line);
                  const name = line.name ?? line.sku;
                  return (
                    <Table.Tr key={line.sku} bg={problem || refusedLines.has(i) ? "red.0" : undefined}>
                      <Table.Td>
                        <Text fw={500}>{name}</Text>
                        <Text size="xs" c="dimmed">
                          {line.sku}
                        </Text>
                        {problem && (
                          <Text size="sm" c="red.9" id={`problem-${line.sku}`} role="note">
                            {t(problem.key, { available: problem.available ?? 0 })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <QuantityCell
                          line={line}
                          onChange={(q) =>
                            change.mutate({ kind: "replace", lines: setQuantity(lines, line.sku, q) })
                          }
                        />
                      </Table.Td>
                      <Table.Td ta="right">{line.unit_price ? f.money(line.unit_price, currency) : "—"}</Table.Td>
                      <Table.Td ta="right">{line.total ? f.money(line.total, currency) : "—"}</Table.Td>
                      <Table.Td>
                        <ActionIcon
                          variant="subtle"
                          color="red.9"
                          aria-label={t("cart.remove", { name })}
                          onClick={() => change.mutate({ kind: "replace", lines: removeLine(lines, line.sku) })}
                        >
                          ×
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          {change.isError && <ProblemAlert error={change.error} />}
          <Stack gap={2} align="flex-end" aria-live="polite">
            <Text>{t("cart.subtotal", { amount: f.money(c.subtotal, currency) })}</Text>
            <Text>{t("cart.tax", { amount: f.money(c.tax, currency) })}</Text>
            <Text fw={700} size="lg">
              {t("cart.total", { amount: f.money(c.total, currency) })}
            </Text>
          </Stack>
          {!c.all_purchasable && (
            <Alert color="red" variant="light" title={t("cart.notAllBuyable")} role="note">
              {t("cart.notAllBuyableHint")}
            </Alert>
          )}
          <Textarea
            label={t("cart.note")}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={2000}
            autosize
            minRows={2}
          />
          {refusal && (
            <div>
              <ProblemAlert error={refusal} title={t("checkout.refused")} />
              {problemCode(refusal) === "credit-exceeded" && auth.me?.credit && (
                <Text size="sm" mt="xs">
                  {t("checkout.creditDetail", {
                    total: f.money(c.total, currency),
                    available: f.money(auth.me.credit.available, auth.me.credit.currency),
                  })}
                </Text>
              )}
            </div>
          )}
          {requestQuote.isError && <ProblemAlert error={requestQuote.error} />}
          <Group justify="flex-end">
            {canQuote && (
              <Button
                variant="outline"
                loading={requestQuote.isPending}
                onClick={() =>
                  requestQuote.mutate(
                    { warehouse_id: c.warehouse_id, lines, note: note.trim() || undefined },
                    {
                      onSuccess: (q) => {
                        void notify({ message: t("quotes.requested"), color: "green" });
                        navigate(`/quotes/${encodeURIComponent(q.id)}`);
                      },
                    },
                  )
                }
              >
                {t("quotes.request")}
              </Button>
            )}
            {canOrder && (
              <Button onClick={submit} loading={place.isPending} disabled={change.isPending}>
                {t("checkout.place")}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
