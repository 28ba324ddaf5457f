import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Alert, Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { isNotFound } from "../../api/client";
import { useAddListToCart, useDeleteList, useList, useUpdateList, type LineInput } from "../../api/buying";
import { Loading } from "../../auth/guards";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ScrollTable } from "../../components/ScrollTable";
import { useFormat } from "../../lib/useFormat";
import { usePageTitle } from "../../shell/usePageTitle";
import { NotFoundPage } from "../NotFoundPage";

/** F38: one saved list: rename, add an item, remove a line, all to the cart, delete. */
export function ListPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const list = useList(id);
  const update = useUpdateList(id);
  const remove = useDeleteList();
  const toCart = useAddListToCart(id);
  const [name, setName] = useState<string | null>(null);
  const [sku, setSku] = useState("");
  const [quantity, setQuantity] = useState("1");
  usePageTitle(list.data?.list.name ?? t("buying.lists.title"));
  if (list.isPending) return <Loading />;
  if (isNotFound(list.error)) return <NotFoundPage />;
  if (list.isError) return <ProblemAlert error={list.error} />;
  const { list: l, priced } = list.data;
  const lines: LineInput[] = l.lines.map((x) => ({ sku: x.sku, quantity: x.quantity }));
  const currency = priced.currency ?? "";
  return (
    <Stack>
      <Anchor component={Link} to="/lists" size="sm">
        {t("buying.lists.back")}
      </Anchor>
      <Title order={1}>{l.name}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name !== null) update.mutate({ name }, { onSuccess: () => setName(null) });
        }}
      >
        <Group align="flex-end">
          <TextInput label={t("buying.lists.name")} value={name ?? l.name} onChange={(e) => setName(e.currentTarget.value)} maxLength={80} w={280} />
          <Button type="submit" variant="default" disabled={name === null || !name.trim()} loading={update.isPending}>
            {t("buying.lists.rename")}
          </Button>
        </Group>
      </form>
      {update.isError && <ProblemAlert error={update.error} />}
      {priced.lines.length === 0 ? (
        <Text>{t("buying.lists.noLines")}</Text>
      ) : (
        <ScrollTable label={t("buying.lists.lines")} minWidth={480}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("cart.item")}</Table.Th>
                <Table.Th ta="right">{t("cart.quantity")}</Table.Th>
                <Table.Th ta="right">{t("cart.unitPrice")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {priced.lines.map((p) => (
                <Table.Tr key={p.sku}>
                  <Table.Td>
                    <Text fw={500}>{p.name ?? p.sku}</Text>
                    <Text size="xs" c="dimmed">{p.sku}</Text>
                    {p.message && <Text size="xs" c="red.8">{p.message && t(`buying.reason.${p.reason ?? "not_found"}`)}</Text>}
                  </Table.Td>
                  <Table.Td ta="right">{f.number(p.quantity)}</Table.Td>
                  <Table.Td ta="right">{p.unit_price && currency ? f.money(p.unit_price, currency) : "—"}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={t("buying.lists.removeLine", { name: p.name ?? p.sku })}
                      onClick={() => update.mutate({ lines: lines.filter((x) => x.sku !== p.sku) })}
                    >
                      {t("buying.lists.remove")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate(
            { lines: [...lines, { sku: sku.trim(), quantity: Number(quantity) }] },
            { onSuccess: () => { setSku(""); setQuantity("1"); } },
          );
        }}
      >
        <Group align="flex-end">
          <TextInput label={t("buying.lists.sku")} value={sku} onChange={(e) => setSku(e.currentTarget.value)} w={200} />
          <TextInput label={t("cart.quantity")} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.currentTarget.value)} w={100} />
          <Button type="submit" variant="default" disabled={!sku.trim() || !/^\d+$/.test(quantity)}>
            {t("buying.lists.addLine")}
          </Button>
        </Group>
      </form>
      {toCart.isError && <ProblemAlert error={toCart.error} />}
      {toCart.isSuccess && (
        <Alert color="green" role="status">
          {t("buying.lists.addedToCart", { count: lines.length - toCart.data.skipped.length })}
          {toCart.data.skipped.length > 0 && ` ${t("buying.skipped", { skus: toCart.data.skipped.map((s) => s.sku).join(", ") })}`}{" "}
          <Anchor component={Link} to="/cart">{t("buying.goToCart")}</Anchor>
        </Alert>
      )}
      <Group>
        <Button onClick={() => toCart.mutate()} loading={toCart.isPending} disabled={lines.length === 0}>
          {t("buying.lists.toCart")}
        </Button>
        <ConfirmButton
          label={t("buying.lists.delete")}
          title={t("buying.lists.deleteTitle", { name: l.name })}
          body={t("buying.lists.deleteBody")}
          confirmLabel={t("buying.lists.delete")}
          loading={remove.isPending}
          onConfirm={() => remove.mutate(l.id, { onSuccess: () => void navigate("/lists") })}
        />
      </Group>
    </Stack>
  );
}
