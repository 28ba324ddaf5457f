import { useState } from "react";
import { Anchor, Button, Checkbox, Modal, NativeSelect, SimpleGrid, Stack, Table, TextInput, Textarea } from "@mantine/core";
import { Link, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useAdminItemPages, useCreateItem, type ItemInput } from "../api/catalog";
import { AdminOnly, LoadMore, PageHeader, QueryState } from "../common";

export function ItemFields({ v, set }: { v: ItemInput; set: (v: ItemInput) => void }) {
  const { t } = useTranslation("admin");
  const text = (k: "name" | "item_type" | "brand" | "unit" | "tax_rate") => ({
    value: v[k] ?? "",
    onChange: (e: { currentTarget: { value: string } }) => set({ ...v, [k]: e.currentTarget.value }),
  });
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <TextInput label={t("items.name")} required {...text("name")} />
      <TextInput label={t("items.type")} required {...text("item_type")} />
      <TextInput label={t("items.brand")} {...text("brand")} />
      <TextInput label={t("items.unit")} required {...text("unit")} />
      <TextInput label={t("items.taxRate")} required inputMode="decimal" description={t("items.taxRateHelp")} {...text("tax_rate")} />
      <Checkbox label={t("items.active")} checked={v.active ?? true} onChange={(e) => set({ ...v, active: e.currentTarget.checked })} mt="lg" />
      <Textarea label={t("items.description")} value={v.description ?? ""} onChange={(e) => set({ ...v, description: e.currentTarget.value })} />
    </SimpleGrid>
  );
}

function NewItem() {
  const { t } = useTranslation("admin");
  const navigate = useNavigate();
  const create = useCreateItem();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState<ItemInput>({ sku: "", name: "", item_type: "", brand: "", unit: "piece", tax_rate: "0.16", active: true });
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t("items.new")}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("items.new")} centered size="lg">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(v, { onSuccess: (it) => navigate(`/admin/items/${encodeURIComponent(it.sku)}`) });
          }}
        >
          <Stack>
            <TextInput label={t("items.sku")} required value={v.sku} onChange={(e) => setV({ ...v, sku: e.currentTarget.value })} />
            <ItemFields v={v} set={setV} />
            <ProblemAlert error={create.error} />
            <Button type="submit" loading={create.isPending}>
              {t("common.create")}
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

/** F15: the catalog as staff see it (inactive items too). */
export function ItemsPage() {
  const { t } = useTranslation("admin");
  const [active, setActive] = useState("");
  const pages = useAdminItemPages(active);
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageHeader title={t("items.title")}>
        <AdminOnly>
          <Button component={Link} to="/admin/import" variant="outline">
            {t("nav.import")}
          </Button>
          <NewItem />
        </AdminOnly>
      </PageHeader>
      <NativeSelect
        label={t("items.activeFilter")}
        maw={240}
        value={active}
        onChange={(e) => setActive(e.currentTarget.value)}
        data={[
          { value: "", label: t("common.any") },
          { value: "true", label: t("items.onlyActive") },
          { value: "false", label: t("items.onlyInactive") },
        ]}
      />
      <QueryState q={pages} empty={pages.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("items.sku")}</Table.Th>
                <Table.Th>{t("items.name")}</Table.Th>
                <Table.Th>{t("items.type")}</Table.Th>
                <Table.Th>{t("items.brand")}</Table.Th>
                <Table.Th>{t("items.active")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((i) => (
                <Table.Tr key={i.sku}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/items/${encodeURIComponent(i.sku)}`}>
                      {i.sku}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{i.name}</Table.Td>
                  <Table.Td>{i.item_type}</Table.Td>
                  <Table.Td>{i.brand}</Table.Td>
                  <Table.Td>{i.active ? t("common.yes") : t("common.no")}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore q={pages} />
    </Stack>
  );
}
