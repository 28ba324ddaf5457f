import { useState } from "react";
import { Button, Checkbox, NativeSelect, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Loading } from "../../auth/guards";
import { ProblemAlert } from "../../components/ProblemAlert";
import { LANGUAGES } from "../../i18n";
import { useSaveSettings, useSettings, type Settings } from "../api/admin";
import { PageHeader, useFlash } from "../common";
import { splitList } from "../parse";

function SettingsForm({ initial }: { initial: Settings }) {
  const { t } = useTranslation("admin");
  const save = useSaveSettings();
  const [flash, setFlash] = useFlash();
  const [v, setV] = useState({
    ...initial,
    emails: initial.seller_notification_emails.join(", "),
    hours: String(initial.order_claim_hours),
    cap: initial.default_open_orders_cap ?? "",
    whatsapp: initial.seller_whatsapp ?? "",
    sender: initial.sender_email ?? "",
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(
          {
            // Fields this form does not show (added to the API later) are sent back unchanged.
            ...initial,
            store_name: v.store_name.trim(),
            b2b_mode: v.b2b_mode,
            stock_display: v.stock_display,
            order_claim_hours: Number(v.hours),
            default_open_orders_cap: v.cap.trim() || null,
            seller_notification_emails: splitList(v.emails),
            seller_whatsapp: v.whatsapp.trim() || null,
            sender_email: v.sender.trim() || null,
            default_language: v.default_language,
            default_currency: v.default_currency.trim().toUpperCase(),
          },
          { onSuccess: () => setFlash(t("common.saved")) },
        );
      }}
    >
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("settings.storeName")} required value={v.store_name} onChange={(e) => setV({ ...v, store_name: e.currentTarget.value })} />
          <NativeSelect
            label={t("settings.stockDisplay")}
            value={v.stock_display}
            onChange={(e) => setV({ ...v, stock_display: e.currentTarget.value as Settings["stock_display"] })}
            data={[
              { value: "quantity", label: t("settings.quantity") },
              { value: "yes_no", label: t("settings.yesNo") },
            ]}
          />
          <TextInput label={t("settings.claimHours")} inputMode="numeric" required value={v.hours} onChange={(e) => setV({ ...v, hours: e.currentTarget.value })} />
          <TextInput label={t("settings.cap")} inputMode="decimal" value={v.cap} onChange={(e) => setV({ ...v, cap: e.currentTarget.value })} />
          <TextInput label={t("settings.sellerEmails")} description={t("common.commaSeparated")} value={v.emails} onChange={(e) => setV({ ...v, emails: e.currentTarget.value })} />
          <TextInput label={t("settings.whatsapp")} value={v.whatsapp} onChange={(e) => setV({ ...v, whatsapp: e.currentTarget.value })} />
          <TextInput label={t("settings.sender")} type="email" value={v.sender} onChange={(e) => setV({ ...v, sender: e.currentTarget.value })} />
          <NativeSelect
            label={t("settings.language")}
            value={v.default_language}
            onChange={(e) => setV({ ...v, default_language: e.currentTarget.value as Settings["default_language"] })}
            data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
          />
          <TextInput label={t("settings.currency")} required value={v.default_currency} onChange={(e) => setV({ ...v, default_currency: e.currentTarget.value })} />
        </SimpleGrid>
        <Checkbox label={t("settings.b2b")} checked={v.b2b_mode} onChange={(e) => setV({ ...v, b2b_mode: e.currentTarget.checked })} />
        <ProblemAlert error={save.error} />
        {flash}
        <Button type="submit" loading={save.isPending} w="fit-content">
          {t("common.save")}
        </Button>
      </Stack>
    </form>
  );
}

/** F33: the store's settings. */
export function SettingsPage() {
  const { t } = useTranslation("admin");
  const q = useSettings();
  return (
    <Stack>
      <PageHeader title={t("settings.title")} />
      {q.isPending && <Loading />}
      <ProblemAlert error={q.error} />
      {q.data && <SettingsForm initial={q.data} />}
    </Stack>
  );
}
