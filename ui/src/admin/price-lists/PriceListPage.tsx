import { useState } from "react";
import { Button, Group, Stack, Table, TextInput } from "@mantine/core";
import { useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";
import { usePriceLists, usePrices, usePutPrices } from "../api/catalog";
import { AdminOnly, LoadMore, PageHeader, QueryState, Section } from "../common";
import { parseTiers } from "../parse";


/** F19: one price list's prices, with quantity tiers; admins set a price per SKU. */
export function PriceListPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const f = useFormat();
  const lists = usePriceLists();
  const list = lists.data?.items.find((p) => p.id === id);
  const q = usePrices(id);
  const put = usePutPrices(id);
  const [v, setV] = useState({ sku: "", unit_price: "", tiers: "" });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const currency = list?.currency ?? "MXN";
  return (
    <Stack gap="lg">
      <PageHeader title={t("priceLists.one", { name: list?.name ?? id })} />
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("items.sku")}</Table.Th>
              <Table.Th ta="right">{t("order.unitPrice")}</Table.Th>
              <Table.Th>{t("priceLists.tiers")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p) => (
              <Table.Tr key={p.sku}>
                <Table.Td>{p.sku}</Table.Td>
                <Table.Td ta="right">{f.money(p.unit_price, currency)}</Table.Td>
                <Table.Td>
                  {(p.tiers ?? []).map((tier) => t("priceLists.tier", { min: tier.min_quantity, price: f.money(tier.unit_price, currency) })).join(" · ") || "—"}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <LoadMore q={q} />
      <AdminOnly>
        <Section title={t("priceLists.setPrice")}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              put.mutate([{ sku: v.sku.trim(), unit_price: v.unit_price.trim(), tiers: parseTiers(v.tiers) }], {
                onSuccess: () => setV({ sku: "", unit_price: "", tiers: "" }),
              });
            }}
          >
            <Group align="flex-end">
              <TextInput label={t("items.sku")} required value={v.sku} onChange={(e) => setV({ ...v, sku: e.currentTarget.value })} />
              <TextInput label={t("order.unitPrice")} required inputMode="decimal" value={v.unit_price} onChange={(e) => setV({ ...v, unit_price: e.currentTarget.value })} />
              <TextInput label={t("priceLists.tiers")} description={t("priceLists.tiersHelp")} value={v.tiers} onChange={(e) => setV({ ...v, tiers: e.currentTarget.value })} />
              <Button type="submit" loading={put.isPending}>
                {t("common.save")}
              </Button>
            </Group>
          </form>
          <ProblemAlert error={put.error} />
        </Section>
      </AdminOnly>
    </Stack>
  );
}
