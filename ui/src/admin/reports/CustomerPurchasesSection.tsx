// Item 8: the customer's purchases over the last twelve months (a chart) and its top items,
// on the customer's console page.
import { useState } from "react";
import { NativeSelect, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCustomerPurchases, type Granularity } from "../api/reports";
import { QueryState, Section } from "../common";
import { ExportButton, FiguresTable, SeriesSection } from "./ReportsPage";
import { defaultFilters } from "./range";

export function CustomerPurchasesSection({ id }: { id: string }) {
  const { t } = useTranslation("admin");
  const [granularity, setGranularity] = useState<Granularity>("month");
  const filters = { ...defaultFilters(365, granularity) };
  const q = useCustomerPurchases(id, filters);
  const p = q.data;
  return (
    <Stack gap="md">
      <NativeSelect
        label={t("reports.granularity")}
        w={200}
        value={granularity}
        data={(["day", "week", "month"] as const).map((g) => ({ value: g, label: t(`reports.by.${g}`) }))}
        onChange={(e) => setGranularity(e.currentTarget.value as Granularity)}
      />
      <QueryState q={q} />
      {p && (
        <>
          <SeriesSection
            series={p.series}
            currency={p.currency}
            granularity={p.granularity}
            filters={filters}
            customerId={id}
            title={t("reports.purchasesOverTime")}
          />
          <Section
            title={t("reports.customerTopItems")}
            actions={<ExportButton table="items" label={t("reports.customerTopItems")} filters={filters} customerId={id} />}
          >
            <FiguresTable
              rows={p.items.slice(0, 20)}
              keyTitle={t("reports.item")}
              currency={p.currency}
              caption={t("reports.customerTopItems")}
              withQty
            />
          </Section>
        </>
      )}
    </Stack>
  );
}
