import { useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { Anchor, Button, Paper, Stack, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useLogin } from "../api/auth";
import { ProblemAlert } from "../components/ProblemAlert";
import { usePageTitle } from "../shell/usePageTitle";
import { useAuth } from "../auth/useAuth";

/** Only same-site paths after login (never an absolute URL from the query string). */
export function safeNext(raw: string | null): string | null {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return null;
  return raw;
}

export function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t("login.title"));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const auth = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = safeNext(params.get("next"));

  if (!auth.isVisitor && auth.me && !login.isPending) {
    return <Navigate to={next ?? (auth.isStaff ? "/admin" : "/")} replace />;
  }

  return (
    <Paper maw={420} mx="auto" mt="xl" p="lg" withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate(
            { email: email.trim(), password },
            {
              onSuccess: (s) =>
                navigate(next ?? (s.principal.kind === "staff" ? "/admin" : "/"), { replace: true }),
            },
          );
        }}
      >
        <Stack>
          <Title order={1} size="h2">
            {t("login.title")}
          </Title>
          {login.isError && (
            <ProblemAlert
              error={login.error}
              title={login.error && "status" in login.error && login.error.status === 401 ? t("login.failed") : undefined}
            />
          )}
          <TextInput
            label={t("login.email")}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput
            label={t("login.password")}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={login.isPending}>
            {t("login.submit")}
          </Button>
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t("login.forgot")}
          </Anchor>
          <Anchor component={Link} to="/request-account" size="sm">
            {t("login.requestAccount")}
          </Anchor>
        </Stack>
      </form>
    </Paper>
  );
}
