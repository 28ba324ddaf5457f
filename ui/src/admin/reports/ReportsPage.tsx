// Item 7: sales reports (from the report aggregates): a date range, a granularity, a currency;
// charts, and every table with its CSV export. Agents get their own customers' figures only
// (the API decides; the page says so).
import { useState } from "react";
import { Button, Group, NativeSelect, SimpleGrid, Stack, Table, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";
import {
  downloadReport,
  useSalesReport,
  type Figures,
  type Granularity,
  type ReportFilters,
  type ReportRow,
} from "../api/reports";
import { PageHeader, QueryState, Section } from "../common";
import { BarChart, CHART_COLORS, TopBars } from "./Charts";
import { defaultFilters } from "./range";


/** A CSV export button for one table, named after it (so each is found by its name). */
export function ExportButton({ table, label, filters, customerId }: {
  table: string;
  label: string;
  filters: ReportFilters;
  customerId?: string;
}) {
  const { t } = useTranslation("admin");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Group gap="xs">
      <Button
        variant="default"
        size="xs"
        loading={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          downloadReport(table, filters, customerId)
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        {t("reports.exportCsv", { table: label })}
      </Button>
      {error ? <ProblemAlert error={error} /> : null}
    </Group>
  );
}

/** A table of figures per customer, item, type, brand, agent or warehouse. */
export function FiguresTable({ rows, keyTitle, currency, caption, withQty }: {
  rows: ReportRow[];
  keyTitle: string;
  currency: string;
  caption: string;
  withQty?: boolean;
}) {
  const { t } = useTranslation("admin");
  const f = useFormat();
  if (rows.length === 0) return <Text c="dimmed">{t("common.none")}</Text>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{keyTitle}</Table.Th>
            <Table.Th ta="right">{t("reports.placedOrders")}</Table.Th>
            <Table.Th ta="right">{t("reports.placedValue")}</Table.Th>
            {withQty && <Table.Th ta="right">{t("reports.units")}</Table.Th>}
            <Table.Th ta="right">{t("reports.fulfilledValue")}</Table.Th>
            <Table.Th ta="right">{t("reports.cancelledValue")}</Table.Th>
            <Table.Th ta="right">{t("reports.expiredValue")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key}>
              <Table.Td>{r.label === r.key ? r.key : `${r.label} (${r.key})`}</Table.Td>
              <Table.Td ta="right">{f.number(r.figures.placed_orders)}</Table.Td>
              <Table.Td ta="right">{f.money(r.figures.placed_value, currency)}</Table.Td>
              {withQty && <Table.Td ta="right">{f.number(r.figures.placed_qty)}</Table.Td>}
              <Table.Td ta="right">{f.money(r.figures.fulfilled_value, currency)}</Table.Td>
              <Table.Td ta="right">{f.money(r.figures.cancelled_value, currency)}</Table.Td>
              <Table.Td ta="right">{f.money(r.figures.expired_value, currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The period's label on charts and tables. */
export function usePeriodLabel(granularity: Granularity) {
  const f = useFormat();
  return (period: string) => (granularity === "month" ? period.slice(0, 7) : f.date(period));
}

/** The series: a chart of placed and fulfilled value, and its table. */
export function SeriesSection({ series, currency, granularity, filters, customerId, title }: {
  series: { period: string; figures: Figures }[];
  currency: string;
  granularity: Granularity;
  filters: ReportFilters;
  customerId?: string;
  title: string;
}) {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const label = usePeriodLabel(granularity);
  const placed = series.map((p) => Number(p.figures.placed_value));
  const fulfilled = series.map((p) => Number(p.figures.fulfilled_value));
  const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return (
    <Section
      title={title}
      actions={<ExportButton table="series" label={title} filters={filters} customerId={customerId} />}
    >
      <BarChart
        title={title}
        summary={t("reports.seriesSummary", {
          placed: f.money(total(placed), currency),
          fulfilled: f.money(total(fulfilled), currency),
          periods: series.length,
        })}
        labels={series.map((p) => label(p.period))}
        series={[
          { name: t("reports.placedValue"), color: CHART_COLORS[0] },
          { name: t("reports.fulfilledValue"), color: CHART_COLORS[1] },
        ]}
        values={[placed, fulfilled]}
        format={(v) => f.money(v, currency)}
      />
      <Table.ScrollContainer minWidth={640} mah={360}>
        <Table striped stickyHeader>
          <Table.Caption>{title}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("reports.period")}</Table.Th>
              <Table.Th ta="right">{t("reports.placedOrders")}</Table.Th>
              <Table.Th ta="right">{t("reports.placedValue")}</Table.Th>
              <Table.Th ta="right">{t("reports.fulfilledValue")}</Table.Th>
              <Table.Th ta="right">{t("reports.cancelledOrders")}</Table.Th>
              <Table.Th ta="right">{t("reports.expiredOrders")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {series.map((p) => (
              <Table.Tr key={p.period}>
                <Table.Td>{label(p.period)}</Table.Td>
                <Table.Td ta="right">{f.number(p.figures.placed_orders)}</Table.Td>
                <Table.Td ta="right">{f.money(p.figures.placed_value, currency)}</Table.Td>
                <Table.Td ta="right">{f.money(p.figures.fulfilled_value, currency)}</Table.Td>
                <Table.Td ta="right">{f.number(p.figures.cancelled_orders)}</Table.Td>
                <Table.Td ta="right">{f.number(p.figures.expired_orders)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Section>
  );
}

/** Item 7. */
export function ReportsPage() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const [draft, setDraft] = useState<ReportFilters>(() => defaultFilters());
  const [filters, setFilters] = useState<ReportFilters>(draft);
  const q = useSalesReport(filters);
  const r = q.data;
  const currency = r?.currency ?? (filters.currency || "MXN");
  const top = (rows: ReportRow[]) =>
    rows.slice(0, 10).map((row) => ({ label: row.label, value: Number(row.figures.placed_value) }));
  const tables: { table: string; title: string; keyTitle: string; rows: ReportRow[]; withQty?: boolean }[] = r
    ? [
        { table: "customers", title: t("reports.byCustomer"), keyTitle: t("reports.customer"), rows: r.customers },
        { table: "items", title: t("reports.byItem"), keyTitle: t("reports.item"), rows: r.items, withQty: true },
        { table: "item_types", title: t("reports.byType"), keyTitle: t("reports.type"), rows: r.item_types, withQty: true },
        { table: "brands", title: t("reports.byBrand"), keyTitle: t("reports.brand"), rows: r.brands, withQty: true },
        ...(r.scope === "all"
          ? [{ table: "agents", title: t("reports.byAgent"), keyTitle: t("reports.agent"), rows: r.agents }]
          : []),
        { table: "warehouses", title: t("reports.byWarehouse"), keyTitle: t("reports.warehouse"), rows: r.warehouses },
      ]
    : [];
  return (
    <Stack gap="xl">
      <PageHeader title={t("reports.title")} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...draft, currency: draft.currency.trim().toUpperCase() });
        }}
      >
        <Group align="flex-end" wrap="wrap">
          <TextInput
            type="date"
            label={t("reports.from")}
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
          />
          <TextInput
            type="date"
            label={t("reports.to")}
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
          />
          <NativeSelect
            label={t("reports.granularity")}
            value={draft.granularity}
            data={(["day", "week", "month"] as const).map((g) => ({ value: g, label: t(`reports.by.${g}`) }))}
            onChange={(e) => {
              // A granularity applies at once: the same range, other periods.
              const next = { ...draft, granularity: e.currentTarget.value as Granularity };
              setDraft(next);
              setFilters({ ...filters, granularity: next.granularity });
            }}
          />
          <TextInput
            label={t("reports.currency")}
            placeholder={t("reports.currencyDefault")}
            maxLength={3}
            w={120}
            value={draft.currency}
            onChange={(e) => setDraft({ ...draft, currency: e.currentTarget.value })}
          />
          <Button type="submit">{t("reports.apply")}</Button>
        </Group>
      </form>
      <QueryState q={q} />
      {r && (
        <>
          <Text>
            {r.scope === "agent" ? t("reports.agentScope") : t("reports.allScope")}{" "}
            {t("reports.rangeLine", { from: f.date(r.from), to: f.date(r.to), currency: r.currency })}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }} aria-label={t("reports.totals")} component="section">
            {[
              [t("reports.placedValue"), f.money(r.totals.placed_value, currency)],
              [t("reports.placedOrders"), f.number(r.totals.placed_orders)],
              [t("reports.fulfilledValue"), f.money(r.totals.fulfilled_value, currency)],
              [t("reports.expiredOrders"), f.number(r.totals.expired_orders)],
            ].map(([k, v]) => (
              <Stack key={k} gap={0}>
                <Text size="sm" c="dimmed">
                  {k}
                </Text>
                <Text fz={24} fw={700}>
                  {v}
                </Text>
              </Stack>
            ))}
          </SimpleGrid>
          <SeriesSection
            series={r.series}
            currency={currency}
            granularity={r.granularity}
            filters={filters}
            title={t("reports.salesOverTime")}
          />
          <Section
            title={t("reports.byStatus")}
            actions={<ExportButton table="statuses" label={t("reports.byStatus")} filters={filters} />}
          >
            <Table striped maw={520}>
              <Table.Caption>{t("reports.byStatus")}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("reports.status")}</Table.Th>
                  <Table.Th ta="right">{t("reports.orders")}</Table.Th>
                  <Table.Th ta="right">{t("reports.value")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.statuses.map((s) => (
                  <Table.Tr key={s.status}>
                    <Table.Td>{t(`reports.statusName.${s.status}`)}</Table.Td>
                    <Table.Td ta="right">{f.number(s.orders)}</Table.Td>
                    <Table.Td ta="right">{s.status === "claimed" ? "—" : f.money(s.value, currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Section title={t("reports.topCustomers")}>
              <TopBars
                title={t("reports.topCustomers")}
                rows={top(r.customers)}
                color={CHART_COLORS[0]}
                format={(v) => f.money(v, currency)}
              />
            </Section>
            <Section title={t("reports.topItems")}>
              <TopBars
                title={t("reports.topItems")}
                rows={top(r.items)}
                color={CHART_COLORS[1]}
                format={(v) => f.money(v, currency)}
              />
            </Section>
          </SimpleGrid>
          {tables.map((tb) => (
            <Section
              key={tb.table}
              title={tb.title}
              actions={<ExportButton table={tb.table} label={tb.title} filters={filters} />}
            >
              <FiguresTable rows={tb.rows} keyTitle={tb.keyTitle} currency={currency} caption={tb.title} withQty={tb.withQty} />
            </Section>
          ))}
        </>
      )}
    </Stack>
  );
}
