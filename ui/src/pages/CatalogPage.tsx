import { lazy, Suspense, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import {
  Anchor,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCatalog, useFacets, type CatalogItem } from "../api/catalog";
import { useAuth } from "../auth/useAuth";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { AvailabilityText } from "../components/Availability";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";

// Only contacts who may order get the quantity and the button: visitors never download them.
const AddToCart = lazy(async () => ({ default: (await import("../components/AddToCart")).AddToCart }));

function ItemCard({ item }: { item: CatalogItem }) {
  const { t } = useTranslation();
  const f = useFormat();
  const auth = useAuth();
  const titleId = `item-${item.sku}`;
  return (
    <Card withBorder component="article" aria-labelledby={titleId} padding="sm">
      <Stack gap={4} h="100%">
        <Anchor component={Link} to={`/catalog/${encodeURIComponent(item.sku)}`} fw={600} id={titleId}>
          {item.name}
        </Anchor>
        <Text size="sm" c="dimmed">
          {t("catalog.skuLine", { sku: item.sku, brand: item.brand || "—" })}
        </Text>
        {item.price && (
          <Text fw={700}>
            {f.money(item.price.unit_price, item.price.currency)}{" "}
            <Text span size="sm" c="dimmed" fw={400}>
              {t("catalog.perUnit", { unit: item.unit })}
            </Text>
          </Text>
        )}
        {item.availability && <AvailabilityText availability={item.availability} />}
        {auth.isCustomer && auth.permissions?.place_orders !== false && item.price && (
          <div style={{ marginTop: "auto" }}>
            <Suspense fallback={null}>
              <AddToCart sku={item.sku} name={item.name} compact />
            </Suspense>
          </div>
        )}
      </Stack>
    </Card>
  );
}

/** One facet (type or brand) as toggle buttons with counts: pressed = the filter in force. */
function FacetButtons({
  legend,
  facets,
  value,
  onChange,
}: {
  legend: string;
  facets: { value: string; label: string; count: number }[];
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (facets.length === 0) return null;
  const button = (v: string, label: string) => (
    <Button
      key={v || "all"}
      size="compact-sm"
      radius="xl"
      variant={value === v ? "filled" : "outline"}
      aria-pressed={value === v}
      onClick={() => onChange(v)}
    >
      {label}
    </Button>
  );
  return (
    <div role="group" aria-labelledby={`facet-${legend}`}>
      <Text size="sm" fw={600} mb={4} id={`facet-${legend}`}>
        {legend}
      </Text>
      <Group gap={6}>
        {button("", t("catalog.all"))}
        {facets.map((fc) => button(fc.value, `${fc.label} (${f.number(fc.count)})`))}
      </Group>
    </div>
  );
}

/** F14-F19: search, type and brand facets with counts, cursor paging. */
export function CatalogPage() {
  const { t } = useTranslation();
  usePageTitle(t("catalog.title"));
  const auth = useAuth();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const type = params.get("type") ?? "";
  const brand = params.get("brand") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  // Search as the user types, a moment after the last key.
  useEffect(() => {
    if (text.trim() === q) return;
    const id = setTimeout(() => set("q", text.trim()), 300);
    return () => clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const facets = useFacets();
  const catalog = useCatalog({ q, type, brand });
  const items = catalog.data?.pages.flatMap((p) => p.items) ?? [];
  // The first page of items on screen: make bench's ui part reads this mark.
  useEffect(() => {
    if (items.length > 0 && performance.getEntriesByName("catalog-items").length === 0) {
      performance.mark("catalog-items");
    }
  }, [items.length]);

  return (
    <Stack>
      <Title order={1}>{t("catalog.title")}</Title>
      {auth.isVisitor && <Text c="dimmed">{t("catalog.visitorNote")}</Text>}
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set("q", text.trim());
        }}
      >
        <TextInput
          label={t("catalog.search")}
          type="search"
          placeholder={t("catalog.searchHint")}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      </form>
      {facets.data && (
        <Stack gap="xs">
          <FacetButtons legend={t("catalog.type")} facets={facets.data.types} value={type} onChange={(v) => set("type", v)} />
          <FacetButtons legend={t("catalog.brand")} facets={facets.data.brands} value={brand} onChange={(v) => set("brand", v)} />
        </Stack>
      )}
      {catalog.isError && <ProblemAlert error={catalog.error} />}
      {catalog.isPending && <Loading />}
      {catalog.isSuccess && items.length === 0 && <Text>{t("catalog.noResults")}</Text>}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 4 }} aria-busy={catalog.isFetching}>
        {items.map((item) => (
          <ItemCard key={item.sku} item={item} />
        ))}
      </SimpleGrid>
      {catalog.hasNextPage && (
        <Group justify="center">
          <Button variant="outline" loading={catalog.isFetchingNextPage} onClick={() => void catalog.fetchNextPage()}>
            {t("catalog.loadMore")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
