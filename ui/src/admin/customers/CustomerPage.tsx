import { useState } from "react";
import { Anchor, Button, Group, List, Stack, Text, ThemeIcon } from "@mantine/core";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { Loading } from "../../auth/guards";
import { isNotFound } from "../../api/client";
import { NotFoundPage } from "../../pages/NotFoundPage";
import { useActAsCustomer, useChangeStatus, useCustomer, useReadiness, type Customer, type CustomerStatus } from "../api/customers";
import { PageHeader, Section, StateBadge, useFlash, useIsAdmin } from "../common";
import { ProfileForm } from "./ProfileForm";
import { ContactsSection } from "./ContactsSection";
import { PendingApprovalsSection } from "./PendingApprovalsSection";
import { ActivitySection, EmailSection, TimelineSection } from "./HistorySections";
import { PlaceOrderFor } from "./PlaceOrderFor";
import { CustomerPricesSection } from "./CustomerPricesSection";
import { CustomerPurchasesSection } from "../reports/CustomerPurchasesSection";

function ReadinessChecklist({ id }: { id: string }) {
  const { t } = useTranslation("admin");
  const r = useReadiness(id);
  if (r.isPending) return <Loading />;
  if (r.isError) return <ProblemAlert error={r.error} />;
  const all = ["price_list", "credit", "warehouse", "shipping_method"] as const;
  return (
    <Section title={t("readiness.title")}>
      <Text fw={600} role="status">
        {r.data.ready ? t("readiness.ready") : t("readiness.notReady")}
      </Text>
      <List spacing={4} aria-label={t("readiness.title")}>
        {all.map((req) => {
          const missing = r.data.missing.includes(req);
          return (
            <List.Item
              key={req}
              icon={
                <ThemeIcon size={20} radius="xl" color={missing ? "red.9" : "teal.9"} aria-hidden>
                  {missing ? "✗" : "✓"}
                </ThemeIcon>
              }
            >
              {t(`readiness.${req}`)}: {missing ? t("readiness.missing") : t("readiness.done")}
            </List.Item>
          );
        })}
      </List>
      {r.data.problems.map((p) => (
        <Text key={p.field} c="red.9" size="sm">
          {p.field}: {p.reason}
        </Text>
      ))}
    </Section>
  );
}

/** F4: the moves the rules allow from here; the API refuses what they forbid, and says why. */
function StatusActions({ c }: { c: Customer }) {
  const { t } = useTranslation("admin");
  const change = useChangeStatus(c.id);
  const targets: CustomerStatus[] = (["active", "inactive", "blocked"] as const).filter((s) => s !== c.status);
  return (
    <Section title={t("customer.statusTitle")}>
      <Group gap="sm">
        <Text>{t("customer.currentStatus")}</Text>
        <StateBadge state={c.status} />
      </Group>
      <Text size="sm" c="dimmed">
        {t("customer.statusRules")}
      </Text>
      <Group gap="xs">
        {targets.map((s) => (
          <ConfirmButton
            key={s}
            label={t(`customer.to.${s}`)}
            title={t(`customer.to.${s}`)}
            body={t("customer.statusConfirm", { name: c.name, status: t(`state.${s}`) })}
            confirmLabel={t(`customer.to.${s}`)}
            color={s === "active" ? "teal.9" : "red.9"}
            onConfirm={() => change.mutate(s)}
          />
        ))}
      </Group>
      <ProblemAlert error={change.error} />
    </Section>
  );
}

function ActAsCustomer({ c }: { c: Customer }) {
  const { t } = useTranslation("admin");
  const act = useActAsCustomer(c.id);
  const navigate = useNavigate();
  return (
    <>
      <Button
        variant="outline"
        loading={act.isPending}
        onClick={() => act.mutate(undefined, { onSuccess: () => void navigate("/") })}
      >
        {t("customer.actAs")}
      </Button>
      {act.isError && <ProblemAlert error={act.error} />}
    </>
  );
}

/** The customer page: everything staff do for one customer (F3-F12). */
export function CustomerPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("admin");
  const admin = useIsAdmin();
  const c = useCustomer(id);
  const [saved, setSaved] = useState(0);
  const [flash, setFlash] = useFlash();
  if (c.isPending) return <Loading />;
  if (c.isError) return isNotFound(c.error) ? <NotFoundPage /> : <ProblemAlert error={c.error} />;
  const customer = c.data;
  return (
    <Stack gap="xl">
      <Stack gap="xs">
        <PageHeader title={customer.name}>
          <ActAsCustomer c={customer} />
          <PlaceOrderFor c={customer} />
        </PageHeader>
        <Group gap="sm">
          <StateBadge state={customer.status} />
          <Text size="sm">{customer.tax_id}</Text>
          <Anchor component={Link} to={`/admin/orders?customer=${encodeURIComponent(customer.id)}`} size="sm">
            {t("customer.orders")}
          </Anchor>
        </Group>
      </Stack>
      <ReadinessChecklist id={id} key={saved} />
      <ContactsSection c={customer} />
      <PendingApprovalsSection customerId={customer.id} />
      <ProfileForm
        c={customer}
        onSaved={() => {
          setSaved((n) => n + 1);
          setFlash(t("customer.saved"));
        }}
      />
      {flash}
      <CustomerPricesSection c={customer} />
      {admin && <StatusActions c={customer} />}
      <EmailSection c={customer} />
      <CustomerPurchasesSection id={id} />
      <TimelineSection id={id} />
      <ActivitySection id={id} />
    </Stack>
  );
}
