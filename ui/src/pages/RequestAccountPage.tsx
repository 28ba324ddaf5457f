import { useState } from "react";
import { Link } from "react-router";
import { Alert, Anchor, Button, NativeSelect, Paper, SimpleGrid, Stack, TextInput, Textarea, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useRequestAccount } from "../api/accountRequests";
import { ApiError } from "../api/client";
import { ProblemAlert } from "../components/ProblemAlert";
import { usePageTitle } from "../shell/usePageTitle";
import { LANGUAGES, isLanguage } from "../i18n";

const FIELDS = ["company", "tax_id", "contact_name", "email", "phone", "address"] as const;
type Field = (typeof FIELDS)[number];

/** F1: a visitor asks for an account; it waits for staff approval. */
export function RequestAccountPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("request.title"));
  const send = useRequestAccount();
  const [form, setForm] = useState<Record<Field | "message", string>>({
    company: "",
    tax_id: "",
    contact_name: "",
    email: "",
    phone: "",
    address: "",
    message: "",
  });
  const [language, setLanguage] = useState(isLanguage(i18n.language) ? i18n.language : "en");
  const fieldError = (name: string) => {
    const e = send.error instanceof ApiError ? send.error.field(name) : undefined;
    return e ? t("errors.invalidField") : undefined;
  };

  if (send.isSuccess) {
    return (
      <Paper maw={560} mx="auto" mt="xl" p="lg" withBorder>
        <Stack>
          <Title order={1} size="h2">
            {t("request.doneTitle")}
          </Title>
          <Alert color="green" variant="light" role="status">
            {t("request.done")}
          </Alert>
          <Anchor component={Link} to="/catalog">
            {t("request.browse")}
          </Anchor>
        </Stack>
      </Paper>
    );
  }

  return (
    <Paper maw={640} mx="auto" mt="md" p="lg" withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate({
            company: form.company.trim(),
            tax_id: form.tax_id.trim(),
            contact_name: form.contact_name.trim(),
            email: form.email.trim(),
            phone: form.phone.trim(),
            address: form.address.trim(),
            message: form.message.trim() || undefined,
            language: language as "en",
          });
        }}
      >
        <Stack>
          <Title order={1} size="h2">
            {t("request.title")}
          </Title>
          {send.isError && <ProblemAlert error={send.error} />}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {FIELDS.map((name) => (
              <TextInput
                key={name}
                label={t(`request.${name}`)}
                type={name === "email" ? "email" : name === "phone" ? "tel" : "text"}
                required
                value={form[name]}
                error={fieldError(name)}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setForm((f) => ({ ...f, [name]: value }));
                }}
              />
            ))}
          </SimpleGrid>
          <NativeSelect
            label={t("request.language")}
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value as typeof language)}
            data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
          />
          <Textarea
            label={t("request.message")}
            value={form.message}
            maxLength={2000}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setForm((f) => ({ ...f, message: value }));
            }}
          />
          <Button type="submit" loading={send.isPending}>
            {t("request.submit")}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
