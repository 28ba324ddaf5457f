import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Alert, Anchor, Button, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import {
  useAcceptInvitation,
  useConfirmPasswordReset,
  useLogin,
  useRequestPasswordReset,
} from "../api/auth";
import { ProblemAlert } from "../components/ProblemAlert";
import { usePageTitle } from "../shell/usePageTitle";

export const MIN_PASSWORD = 10;

/** "Forgot password": the same answer whether or not the email has an account. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t("forgot.title"));
  const [email, setEmail] = useState("");
  const reset = useRequestPasswordReset();
  return (
    <Paper maw={420} mx="auto" mt="xl" p="lg" withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          reset.mutate({ email: email.trim() });
        }}
      >
        <Stack>
          <Title order={1} size="h2">
            {t("forgot.title")}
          </Title>
          {reset.isSuccess ? (
            <Alert color="green" variant="light" role="status">
              {t("forgot.sent")}
            </Alert>
          ) : (
            <>
              <Text size="sm">{t("forgot.hint")}</Text>
              {reset.isError && <ProblemAlert error={reset.error} />}
              <TextInput label={t("login.email")} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
              <Button type="submit" loading={reset.isPending}>
                {t("forgot.submit")}
              </Button>
            </>
          )}
          <Anchor component={Link} to="/login" size="sm">
            {t("forgot.back")}
          </Anchor>
        </Stack>
      </form>
    </Paper>
  );
}

/**
 * The page the invitation (`/set-password?token=`) and reset (`/reset-password?token=`) emails
 * link to: choose a password, then log in with it.
 */
export function SetPasswordPage({ mode }: { mode: "invitation" | "reset" }) {
  const { t } = useTranslation();
  const title = mode === "invitation" ? t("setPassword.title") : t("setPassword.resetTitle");
  usePageTitle(title);
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const accept = useAcceptInvitation();
  const confirm = useConfirmPasswordReset();
  const login = useLogin();
  const navigate = useNavigate();
  const action = mode === "invitation" ? accept : confirm;

  if (!token) {
    return (
      <Paper maw={420} mx="auto" mt="xl" p="lg" withBorder>
        <Stack>
          <Title order={1} size="h2">{title}</Title>
          <Alert color="red" variant="light" role="alert">{t("setPassword.noToken")}</Alert>
        </Stack>
      </Paper>
    );
  }

  return (
    <Paper maw={420} mx="auto" mt="xl" p="lg" withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.mutate(
            { token, password },
            {
              onSuccess: (done) => {
                // Log in at once with the new password (the answer names the email).
                login.mutate(
                  { email: done.email, password },
                  { onSuccess: () => navigate("/", { replace: true }) },
                );
              },
            },
          );
        }}
      >
        <Stack>
          <Title order={1} size="h2">{title}</Title>
          {action.isError && <ProblemAlert error={action.error} title={t("setPassword.failed")} />}
          {login.isError && <ProblemAlert error={login.error} />}
          <TextInput
            label={t("login.password")}
            description={t("setPassword.hint", { min: MIN_PASSWORD })}
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={action.isPending || login.isPending}>
            {t("setPassword.submit")}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
