import { useState } from "react";
import { Anchor, Badge, Button, Group, Modal, NativeSelect, Stack, Table, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCreateCustomer, useCustomerPages } from "../api/customers";
import { useStaffUsers } from "../api/admin";
import { AdminOnly, LoadMore, PageHeader, QueryState, StateBadge, useIsAdmin } from "../common";
import { LANGUAGES } from "../../i18n";

export const CUSTOMER_STATUSES = ["pending", "active", "inactive", "blocked"] as const;

function NewCustomer() {
  const { t } = useTranslation("admin");
  const navigate = useNavigate();
  const create = useCreateCustomer();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: "", tax_id: "", email: "", language: "es" });
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t("customers.new")}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("customers.new")} centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { ...form, language: form.language as never },
              { onSuccess: (c) => navigate(`/admin/customers/${encodeURIComponent(c.id)}`) },
            );
          }}
        >
          <Stack>
            <TextInput label={t("customer.name")} required value={form.name} onChange={set("name")} />
            <TextInput label={t("customer.taxId")} required value={form.tax_id} onChange={set("tax_id")} />
            <TextInput label={t("customer.email")} type="email" required value={form.email} onChange={set("email")} />
            <NativeSelect
              label={t("customer.language")}
              value={form.language}
              onChange={set("language")}
              data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
            />
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

/** F3/F11: customers with status, tag, agent and text filters. */
export function CustomersPage() {
  const { t } = useTranslation("admin");
  const admin = useIsAdmin();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [tag, setTag] = useState(params.get("tag") ?? "");
  const [debouncedQ] = useDebouncedValue(q, 300);
  const [debouncedTag] = useDebouncedValue(tag, 300);
  const status = params.get("status") ?? "";
  const agent = params.get("agent") ?? "";
  const staff = useStaffUsers(admin);
  const agents = (staff.data?.items ?? []).filter((s) => s.role === "agent");
  const agentName = (id?: string | null) => (id ? (staff.data?.items.find((s) => s.id === id)?.name ?? id) : "—");
  const pages = useCustomerPages({ status, tag: debouncedTag, q: debouncedQ, agent });
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const setParam = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <Stack>
      <PageHeader title={t("customers.title")}>
        <AdminOnly>
          <NewCustomer />
        </AdminOnly>
      </PageHeader>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t("customers.search")}
          type="search"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={260}
        />
        <NativeSelect
          label={t("common.status")}
          value={status}
          onChange={(e) => setParam("status", e.currentTarget.value)}
          data={[{ value: "", label: t("common.any") }, ...CUSTOMER_STATUSES.map((s) => ({ value: s, label: t(`state.${s}`) }))]}
        />
        <TextInput label={t("customers.tag")} value={tag} onChange={(e) => setTag(e.currentTarget.value)} w={160} />
        {admin && (
          <NativeSelect
            label={t("customers.agent")}
            value={agent}
            onChange={(e) => setParam("agent", e.currentTarget.value)}
            data={[{ value: "", label: t("common.any") }, ...agents.map((a) => ({ value: a.id, label: a.name }))]}
          />
        )}
      </Group>
      <QueryState q={pages} empty={pages.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("customer.name")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("customer.tags")}</Table.Th>
                {admin && <Table.Th>{t("customers.agent")}</Table.Th>}
                <Table.Th>{t("customer.priceList")}</Table.Th>
                <Table.Th>{t("customers.withAccess")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/customers/${encodeURIComponent(c.id)}`}>
                      {c.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={c.status} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {(c.tags ?? []).map((tg) => (
                        <Badge key={tg} variant="outline" color="dark">
                          {tg}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  {admin && <Table.Td>{agentName(c.agent_id)}</Table.Td>}
                  <Table.Td>{c.price_list_id ?? "—"}</Table.Td>
                  <Table.Td>{c.emails_with_access ?? 0}</Table.Td>
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
