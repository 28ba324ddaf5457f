import { useState } from "react";
import { Anchor, Button, Group, Stack, Table, TextInput } from "@mantine/core";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCreatePriceList, usePriceLists } from "../api/catalog";
import { AdminOnly, PageHeader, QueryState, Section } from "../common";

function NewPriceList() {
  const { t } = useTranslation("admin");
  const create = useCreatePriceList();
  const [v, setV] = useState({ id: "", name: "", currency: "MXN" });
  return (
    <Section title={t("priceLists.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { id: v.id.trim() || null, name: v.name.trim(), currency: v.currency.trim().toUpperCase() },
            { onSuccess: () => setV({ id: "", name: "", currency: v.currency }) },
          );
        }}
      >
        <Group align="flex-end">
          <TextInput label={t("priceLists.id")} value={v.id} onChange={(e) => setV({ ...v, id: e.currentTarget.value })} />
          <TextInput label={t("priceLists.name")} required value={v.name} onChange={(e) => setV({ ...v, name: e.currentTarget.value })} />
          <TextInput label={t("customer.currency")} required w={100} value={v.currency} onChange={(e) => setV({ ...v, currency: e.currentTarget.value })} />
          <Button type="submit" loading={create.isPending}>
            {t("common.create")}
          </Button>
        </Group>
      </form>
      <ProblemAlert error={create.error} />
    </Section>
  );
}

/** F19: price lists, each with its currency and prices. */
export function PriceListsPage() {
  const { t } = useTranslation("admin");
  const q = usePriceLists();
  const rows = q.data?.items ?? [];
  return (
    <Stack gap="lg">
      <PageHeader title={t("priceLists.title")} />
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("priceLists.id")}</Table.Th>
              <Table.Th>{t("priceLists.name")}</Table.Th>
              <Table.Th>{t("customer.currency")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/price-lists/${encodeURIComponent(p.id)}`}>
                    {p.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>{p.currency}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <AdminOnly>
        <NewPriceList />
      </AdminOnly>
    </Stack>
  );
}
