import { useState } from "react";
import { Button, Checkbox, Modal, Stack, Table, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useSaveWarehouse, useWarehouses, type Warehouse } from "../api/catalog";
import { AdminOnly, PageHeader, QueryState } from "../common";

function WarehouseDialog({ w, label }: { w?: Warehouse; label: string }) {
  const { t } = useTranslation("admin");
  const save = useSaveWarehouse();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState({ id: w?.id ?? "", name: w?.name ?? "", address: w?.address ?? "", active: w?.active ?? true });
  return (
    <>
      <Button variant={w ? "outline" : "filled"} size={w ? "xs" : "sm"} onClick={() => setOpen(true)} aria-label={w ? t("warehouses.editOne", { name: w.name }) : undefined}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={label} centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(
              { id: v.id.trim(), create: !w, input: { name: v.name.trim(), address: v.address.trim() || null, active: v.active } },
              { onSuccess: () => setOpen(false) },
            );
          }}
        >
          <Stack>
            <TextInput label={t("warehouses.id")} required disabled={!!w} value={v.id} onChange={(e) => setV({ ...v, id: e.currentTarget.value })} />
            <TextInput label={t("warehouses.name")} required value={v.name} onChange={(e) => setV({ ...v, name: e.currentTarget.value })} />
            <TextInput label={t("warehouses.address")} value={v.address} onChange={(e) => setV({ ...v, address: e.currentTarget.value })} />
            <Checkbox label={t("items.active")} checked={v.active} onChange={(e) => setV({ ...v, active: e.currentTarget.checked })} />
            <ProblemAlert error={save.error} />
            <Button type="submit" loading={save.isPending}>
              {t("common.save")}
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

/** F17: the warehouses (stock per item is on each item's page). */
export function WarehousesPage() {
  const { t } = useTranslation("admin");
  const q = useWarehouses();
  const rows = q.data ?? [];
  return (
    <Stack>
      <PageHeader title={t("warehouses.title")}>
        <AdminOnly>
          <WarehouseDialog label={t("warehouses.new")} />
        </AdminOnly>
      </PageHeader>
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("warehouses.id")}</Table.Th>
              <Table.Th>{t("warehouses.name")}</Table.Th>
              <Table.Th>{t("warehouses.address")}</Table.Th>
              <Table.Th>{t("items.active")}</Table.Th>
              <Table.Th>{t("common.actions")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((w) => (
              <Table.Tr key={w.id}>
                <Table.Td>{w.id}</Table.Td>
                <Table.Td>{w.name}</Table.Td>
                <Table.Td>{w.address ?? "—"}</Table.Td>
                <Table.Td>{w.active ? t("common.yes") : t("common.no")}</Table.Td>
                <Table.Td>
                  <AdminOnly>
                    <WarehouseDialog w={w} label={t("common.edit")} />
                  </AdminOnly>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
