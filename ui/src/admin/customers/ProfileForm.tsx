import { useState } from "react";
import { Button, Checkbox, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { LANGUAGES } from "../../i18n";
import { useUpdateCustomer, type Customer, type CustomerPatch } from "../api/customers";
import { usePriceLists, useWarehouses } from "../api/catalog";
import { useStaffUsers } from "../api/admin";
import { Section, useIsAdmin } from "../common";
import { splitList } from "../parse";

type Form = {
  name: string;
  legal_name: string;
  tax_id: string;
  email: string;
  phone: string;
  language: string;
  shipping_method: string;
  price_list_id: string;
  terms: string;
  credit_days: string;
  limit: string;
  currency: string;
  warehouse_ids: string[];
  default_warehouse_id: string;
  access_mode: string;
  access_list: string;
  tags: string;
  agent_id: string;
  discount_percent: string;
  open_orders_cap: string;
};

function formOf(c: Customer): Form {
  const access = c.catalog_access ?? { mode: "all" };
  return {
    name: c.name,
    legal_name: c.legal_name ?? "",
    tax_id: c.tax_id,
    email: c.email,
    phone: c.phone ?? "",
    language: c.language ?? "es",
    shipping_method: c.shipping_method ?? "",
    price_list_id: c.price_list_id ?? "",
    terms: c.credit?.terms ?? "",
    credit_days: String(c.credit?.credit_days ?? 0),
    limit: c.credit?.limit ?? "",
    currency: c.credit?.currency ?? "MXN",
    warehouse_ids: c.warehouse_ids ?? [],
    default_warehouse_id: c.default_warehouse_id ?? "",
    access_mode: access.mode,
    access_list: access.mode === "types" ? access.types.join(", ") : access.mode === "items" ? access.skus.join(", ") : "",
    tags: (c.tags ?? []).join(", "),
    agent_id: c.agent_id ?? "",
    discount_percent: c.discount_percent ?? "",
    open_orders_cap: c.open_orders_cap ?? "",
  };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

/** Only what changed goes in the PATCH (an emptied field is sent as null, which clears it). */
function patchOf(before: Form, f: Form, admin: boolean): CustomerPatch {
  const p: CustomerPatch = {};
  const changed = (...keys: (keyof Form)[]) => keys.some((k) => JSON.stringify(before[k]) !== JSON.stringify(f[k]));
  if (changed("name")) p.name = f.name.trim();
  if (changed("legal_name")) p.legal_name = orNull(f.legal_name);
  if (changed("tax_id")) p.tax_id = f.tax_id.trim();
  if (changed("email")) p.email = f.email.trim();
  if (changed("phone")) p.phone = orNull(f.phone);
  if (changed("language")) p.language = f.language as CustomerPatch["language"];
  if (changed("shipping_method")) p.shipping_method = orNull(f.shipping_method);
  if (changed("price_list_id")) p.price_list_id = orNull(f.price_list_id);
  if (changed("terms", "credit_days", "limit", "currency")) {
    p.credit =
      f.terms === ""
        ? null
        : {
            terms: f.terms as "CASH" | "CREDIT",
            credit_days: Number(f.credit_days) || 0,
            limit: f.limit.trim() || "0",
            currency: f.currency.trim().toUpperCase(),
          };
  }
  if (changed("warehouse_ids")) p.warehouse_ids = f.warehouse_ids;
  if (changed("default_warehouse_id", "warehouse_ids")) p.default_warehouse_id = orNull(f.default_warehouse_id);
  if (changed("access_mode", "access_list")) {
    const list = splitList(f.access_list);
    p.catalog_access =
      f.access_mode === "types" ? { mode: "types", types: list } : f.access_mode === "items" ? { mode: "items", skus: list } : { mode: "all" };
  }
  if (changed("tags")) p.tags = splitList(f.tags);
  if (admin && changed("agent_id")) p.agent_id = orNull(f.agent_id);
  if (changed("discount_percent")) p.discount_percent = orNull(f.discount_percent);
  if (changed("open_orders_cap")) p.open_orders_cap = orNull(f.open_orders_cap);
  return p;
}

/** F3, F5, F16, F17, F19, F11: the profile, price list, credit, warehouses, catalog access, tags, agent. */
export function ProfileForm({ c, onSaved }: { c: Customer; onSaved: () => void }) {
  const { t } = useTranslation("admin");
  const admin = useIsAdmin();
  const [before, setBefore] = useState(() => formOf(c));
  const [f, setF] = useState(before);
  const update = useUpdateCustomer(c.id);
  const priceLists = usePriceLists();
  const warehouses = useWarehouses();
  const staff = useStaffUsers(admin);
  const set = (k: keyof Form) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const field = (k: keyof Form, label: string, extra: Record<string, unknown> = {}) => (
    <TextInput label={label} value={f[k] as string} onChange={set(k)} {...extra} />
  );
  return (
    <Section title={t("customer.profile")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate(patchOf(before, f, admin), {
            onSuccess: (saved) => {
              const next = formOf(saved);
              setBefore(next);
              setF(next);
              onSaved();
            },
          });
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {field("name", t("customer.name"), { required: true })}
            {field("legal_name", t("customer.legalName"))}
            {field("tax_id", t("customer.taxId"), { required: true })}
            {field("email", t("customer.email"), { type: "email", required: true })}
            {field("phone", t("customer.phone"))}
            <NativeSelect
              label={t("customer.language")}
              value={f.language}
              onChange={set("language")}
              data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
            />
            {field("shipping_method", t("customer.shippingMethod"))}
            <NativeSelect
              label={t("customer.priceList")}
              value={f.price_list_id}
              onChange={set("price_list_id")}
              data={[
                { value: "", label: t("common.noneChosen") },
                ...(priceLists.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.id}, ${p.currency})` })),
              ]}
            />
            {field("discount_percent", t("customer.discount"), { inputMode: "decimal" })}
            {field("open_orders_cap", t("customer.openOrdersCap"), { inputMode: "decimal" })}
            {field("tags", t("customer.tags"), { description: t("common.commaSeparated") })}
            {admin && (
              <NativeSelect
                label={t("customers.agent")}
                value={f.agent_id}
                onChange={set("agent_id")}
                data={[
                  { value: "", label: t("common.noneChosen") },
                  ...(staff.data?.items ?? []).filter((s) => s.role === "agent").map((s) => ({ value: s.id, label: s.name })),
                ]}
              />
            )}
          </SimpleGrid>
          <Text fw={600}>{t("customer.credit")}</Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <NativeSelect
              label={t("customer.terms")}
              value={f.terms}
              onChange={set("terms")}
              data={[
                { value: "", label: t("common.noneChosen") },
                { value: "CASH", label: t("customer.cash") },
                { value: "CREDIT", label: t("customer.creditTerms") },
              ]}
            />
            {field("credit_days", t("customer.creditDays"), { inputMode: "numeric" })}
            {field("limit", t("customer.limit"), { inputMode: "decimal" })}
            {field("currency", t("customer.currency"))}
          </SimpleGrid>
          <Checkbox.Group
            label={t("customer.warehouses")}
            value={f.warehouse_ids}
            onChange={(v) => setF({ ...f, warehouse_ids: v, default_warehouse_id: v.includes(f.default_warehouse_id) ? f.default_warehouse_id : (v[0] ?? "") })}
          >
            <Group mt={4}>
              {(warehouses.data ?? []).map((w) => (
                <Checkbox key={w.id} value={w.id} label={`${w.name} (${w.id})`} />
              ))}
            </Group>
          </Checkbox.Group>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            <NativeSelect
              label={t("customer.defaultWarehouse")}
              value={f.default_warehouse_id}
              onChange={set("default_warehouse_id")}
              data={[{ value: "", label: t("common.noneChosen") }, ...f.warehouse_ids.map((w) => ({ value: w, label: w }))]}
            />
            <NativeSelect
              label={t("customer.catalogAccess")}
              value={f.access_mode}
              onChange={set("access_mode")}
              data={[
                { value: "all", label: t("customer.access.all") },
                { value: "types", label: t("customer.access.types") },
                { value: "items", label: t("customer.access.items") },
              ]}
            />
            {f.access_mode !== "all" &&
              field("access_list", f.access_mode === "types" ? t("customer.access.typeList") : t("customer.access.skuList"), {
                description: t("common.commaSeparated"),
              })}
          </SimpleGrid>
          {(c.addresses ?? []).length > 0 && (
            <Stack gap={2}>
              <Text fw={600}>{t("customer.addresses")}</Text>
              {(c.addresses ?? []).map((a) => (
                <Text key={a.id} size="sm">
                  {t(`customer.addressKind.${a.kind}`)}
                  {a.is_default ? ` (${t("customer.default")})` : ""}: {a.line1}
                  {a.line2 ? `, ${a.line2}` : ""}, {a.city}
                  {a.state ? `, ${a.state}` : ""} {a.postal_code}, {a.country}
                </Text>
              ))}
            </Stack>
          )}
          <ProblemAlert error={update.error} />
          <Button type="submit" loading={update.isPending} w="fit-content">
            {t("customer.save")}
          </Button>
        </Stack>
      </form>
    </Section>
  );
}
