import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/useAuth";
import { usePageTitle } from "../shell/usePageTitle";

export function AdminHome() {
  const { t } = useTranslation("admin");
  const { me } = useAuth();
  usePageTitle(t("home.title"));
  return (
    <Stack>
      <Title order={1}>{t("home.title")}</Title>
      <Text>{t("home.welcome", { name: me?.principal.name ?? "" })}</Text>
    </Stack>
  );
}
