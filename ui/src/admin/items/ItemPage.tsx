import { useState } from "react";
import { Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { isNotFound } from "../../api/client";
import { Loading } from "../../auth/guards";
import { NotFoundPage } from "../../pages/NotFoundPage";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";
import { useAdminItem, useItemStock, useSetStock, useUpdateItem, useWarehouses, type Item, type ItemInput } from "../api/catalog";
import { PageHeader, QueryState, Section, useFlash, useIsAdmin } from "../common";
import { ItemFields } from "./ItemsPage";

function EditItem({ item }: { item: Item }) {
  const { t } = useTranslation("admin");
  const update = useUpdateItem(item.sku);
  const [flash, setFlash] = useFlash();
  const [v, setV] = useState<ItemInput>({ ...item, brand: item.brand ?? "", description: item.description ?? "" });
  return (
    <Section title={t("items.edit")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const { name, item_type, brand, unit, tax_rate, active, description } = v;
          update.mutate({ name, item_type, brand, unit, tax_rate, active, description }, {
            onSuccess: () => setFlash(t("common.saved")),
          });
        }}
      >
        <Stack>
          <ItemFields v={v} set={setV} />
          <ProblemAlert error={update.error} />
          {flash}
          <Button type="submit" loading={update.isPending} w="fit-content">
            {t("common.save")}
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

function StockCorrection({ sku, warehouse, onHand }: { sku: string; warehouse: string; onHand: number }) {
  const { t } = useTranslation("admin");
  const set = useSetStock(sku);
  const [v, setV] = useState(String(onHand));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate({ warehouse, onHand: Number(v) });
      }}
    >
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          label={t("stock.onHandIn", { warehouse })}
          inputMode="numeric"
          value={v}
          onChange={(e) => setV(e.currentTarget.value)}
          w={140}
          error={set.isError ? t("stock.refused") : undefined}
        />
        <Button type="submit" size="sm" variant="outline" loading={set.isPending}>
          {t("stock.correct")}
        </Button>
      </Group>
    </form>
  );
}

/** F15/F17: one item, and its stock per warehouse with staff corrections. */
export function ItemPage() {
  const { sku = "" } = useParams();
  const { t } = useTranslation("admin");
  const f = useFormat();
  const admin = useIsAdmin();
  const item = useAdminItem(sku);
  const stock = useItemStock(sku);
  const warehouses = useWarehouses();
  if (item.isPending) return <Loading />;
  if (item.isError) return isNotFound(item.error) ? <NotFoundPage /> : <ProblemAlert error={item.error} />;
  const levels = stock.data ?? [];
  const all = (warehouses.data ?? []).map((w) => levels.find((l) => l.warehouse_id === w.id) ?? { warehouse_id: w.id, on_hand: 0, reserved: 0, available: 0, sku, updated_at: "" });
  return (
    <Stack gap="lg">
      <PageHeader title={`${item.data.sku} · ${item.data.name}`} />
      {admin ? <EditItem item={item.data} /> : <Text>{item.data.description}</Text>}
      <Section title={t("stock.title")}>
        <QueryState q={stock} />
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("stock.warehouse")}</Table.Th>
                <Table.Th ta="right">{t("stock.onHand")}</Table.Th>
                <Table.Th ta="right">{t("stock.reserved")}</Table.Th>
                <Table.Th ta="right">{t("stock.available")}</Table.Th>
                {admin && <Table.Th>{t("stock.correction")}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {all.map((l) => (
                <Table.Tr key={l.warehouse_id}>
                  <Table.Td>{l.warehouse_id}</Table.Td>
                  <Table.Td ta="right">{f.number(l.on_hand)}</Table.Td>
                  <Table.Td ta="right">{f.number(l.reserved)}</Table.Td>
                  <Table.Td ta="right">{f.number(l.available)}</Table.Td>
                  {admin && (
                    <Table.Td>
                      <StockCorrection key={`${l.warehouse_id}-${l.on_hand}`} sku={sku} warehouse={l.warehouse_id} onHand={l.on_hand} />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Section>
    </Stack>
  );
}
