import { useState } from "react";
import { Button, Group, Table, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCustomerPrices, usePutCustomerPrices, type Customer } from "../api/customers";
import { AdminOnly, QueryState, Section } from "../common";

/** F19: this customer's special prices and discounts by SKU (written by admins). */
export function CustomerPricesSection({ c }: { c: Customer }) {
  const { t } = useTranslation("admin");
  const q = useCustomerPrices(c.id);
  const put = usePutCustomerPrices(c.id);
  const [row, setRow] = useState({ sku: "", special_price: "", discount_percent: "" });
  const rows = q.data?.items ?? [];
  return (
    <Section title={t("customerPrices.title")}>
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("items.sku")}</Table.Th>
              <Table.Th>{t("customerPrices.special")}</Table.Th>
              <Table.Th>{t("customerPrices.discount")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p) => (
              <Table.Tr key={p.sku}>
                <Table.Td>{p.sku}</Table.Td>
                <Table.Td>{p.special_price ?? "—"}</Table.Td>
                <Table.Td>{p.discount_percent ? `${p.discount_percent} %` : "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <AdminOnly>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            put.mutate(
              [
                {
                  sku: row.sku.trim(),
                  special_price: row.special_price.trim() || null,
                  discount_percent: row.discount_percent.trim() || null,
                },
              ],
              { onSuccess: () => setRow({ sku: "", special_price: "", discount_percent: "" }) },
            );
          }}
        >
          <Group align="flex-end">
            <TextInput label={t("items.sku")} required value={row.sku} onChange={(e) => setRow({ ...row, sku: e.currentTarget.value })} />
            <TextInput label={t("customerPrices.special")} value={row.special_price} onChange={(e) => setRow({ ...row, special_price: e.currentTarget.value })} />
            <TextInput label={t("customerPrices.discount")} value={row.discount_percent} onChange={(e) => setRow({ ...row, discount_percent: e.currentTarget.value })} />
            <Button type="submit" loading={put.isPending}>
              {t("customerPrices.save")}
            </Button>
          </Group>
        </form>
        <ProblemAlert error={put.error} />
      </AdminOnly>
    </Section>
  );
}
