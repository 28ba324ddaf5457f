import { Link, useParams } from "react-router";
import { Anchor, Badge, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCatalogItem } from "../api/catalog";
import { isNotFound } from "../api/client";
import { useAuth } from "../auth/useAuth";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { AddToCart } from "../components/AddToCart";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";
import { NotFoundPage } from "./NotFoundPage";
import { formatPercent } from "../lib/format";

/** One item: its tiers, the customer's own price and its availability per warehouse. */
export function ItemPage() {
  const { sku = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const auth = useAuth();
  const item = useCatalogItem(sku);
  usePageTitle(item.data?.name ?? t("catalog.title"));
  if (item.isPending) return <Loading />;
  if (isNotFound(item.error)) return <NotFoundPage />;
  if (item.isError) return <ProblemAlert error={item.error} />;
  const it = item.data;
  const price = it.price;
  return (
    <Stack>
      <Anchor component={Link} to="/catalog" size="sm">
        {t("catalog.back")}
      </Anchor>
      <Title order={1}>{it.name}</Title>
      <Group gap="xs">
        <Badge variant="outline" color="dark">{it.item_type}</Badge>
        {it.brand && <Badge variant="outline" color="dark">{it.brand}</Badge>}
      </Group>
      <Text size="sm" c="dimmed">
        {t("catalog.skuUnit", { sku: it.sku, unit: it.unit })}
      </Text>
      {it.description && <Text style={{ whiteSpace: "pre-wrap" }}>{it.description}</Text>}

      {price && (
        <section aria-labelledby="price-heading">
          <Title order={2} size="h3" id="price-heading">
            {t("catalog.yourPrice")}
          </Title>
          <Text fw={700} size="xl">
            {f.money(price.unit_price, price.currency)}{" "}
            <Text span size="sm" fw={400} c="dimmed">
              {t("catalog.plusTax", { rate: formatPercent(price.tax_rate, f.locale), unit: it.unit })}
            </Text>
          </Text>
          {price.unit_price !== price.list_unit_price && (
            <Text size="sm" c="dimmed">
              {t("catalog.listPrice", { price: f.money(price.list_unit_price, price.currency) })}
            </Text>
          )}
          {price.tiers.length > 0 && (
            <Table mt="sm" maw={360} aria-label={t("catalog.tiers")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("catalog.fromQty")}</Table.Th>
                  <Table.Th ta="right">{t("catalog.unitPrice")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {price.tiers.map((tier) => (
                  <Table.Tr key={tier.min_quantity}>
                    <Table.Td>{f.number(tier.min_quantity)}</Table.Td>
                    <Table.Td ta="right">{f.money(tier.unit_price, price.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </section>
      )}

      {it.availability && (
        <section aria-labelledby="stock-heading">
          <Title order={2} size="h3" id="stock-heading">
            {t("catalog.availability")}
          </Title>
          <Table maw={480}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("catalog.warehouse")}</Table.Th>
                <Table.Th ta="right">{t("catalog.available")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {it.availability.warehouses.map((w) => (
                <Table.Tr key={w.warehouse_id}>
                  <Table.Td>
                    {w.name}
                    {w.is_default ? ` (${t("catalog.default")})` : ""}
                  </Table.Td>
                  <Table.Td ta="right">
                    {typeof w.quantity === "number"
                      ? f.number(w.quantity)
                      : w.in_stock
                        ? t("common.yes")
                        : t("common.no")}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>
      )}

      {auth.isCustomer && auth.permissions?.place_orders !== false && price && (
        <AddToCart sku={it.sku} name={it.name} />
      )}
    </Stack>
  );
}
