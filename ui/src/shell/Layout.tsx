import { Suspense } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import {
  Anchor,
  AppShell,
  Burger,
  Button,
  Group,
  NativeSelect,
  Stack,
  Text,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/useAuth";
import { useLogout } from "../api/auth";
import { LANGUAGES, chooseLanguage, isLanguage } from "../i18n";
import { Loading } from "../auth/guards";
import { ImpersonationBanner } from "./ImpersonationBanner";

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t("shell.language")}
      size="xs"
      value={i18n.language}
      onChange={(e) => {
        const lng = e.currentTarget.value;
        if (isLanguage(lng)) void chooseLanguage(lng);
      }}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
    />
  );
}

function NavItems({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const links: { to: string; label: string }[] = [{ to: "/catalog", label: t("nav.catalog") }];
  if (auth.isCustomer) {
    links.unshift({ to: "/", label: t("nav.home") });
    links.push(
      { to: "/orders", label: t("nav.orders") },
      { to: "/quotes", label: t("nav.quotes") },
      { to: "/quick-order", label: t("buying.nav.quickOrder") },
      { to: "/purchased", label: t("buying.nav.purchased") },
      { to: "/lists", label: t("buying.nav.lists") },
    );
    if (auth.permissions?.see_invoices !== false) {
      links.push(
        { to: "/documents", label: t("nav.documents") },
        { to: "/statement", label: t("nav.statement") },
      );
    }    // F39: only the company's managers see its people and approvals.
    if (auth.permissions?.manage_company === true && !auth.impersonatedBy) {
      links.push({ to: "/company", label: t("company.nav") });
    }
  }
  if (auth.isStaff) links.push({ to: "/admin", label: t("nav.console") });
  return (
    <>
      {links.map((l) => (
        <Anchor
          key={l.to}
          component={NavLink}
          to={l.to}
          end={l.to === "/"}
          className="nav-link"
          onClick={onNavigate}
          c="inherit"
        >
          {l.label}
        </Anchor>
      ))}
    </>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const auth = useAuth();
  const logout = useLogout();
  const navigate = useNavigate();
  if (auth.isVisitor) {
    return (
      <Button component={Link} to="/login" size="xs" variant="outline">
        {t("nav.login")}
      </Button>
    );
  }
  const name = auth.me?.principal.name ?? "";
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" fw={500} truncate maw={140} visibleFrom="sm" title={auth.me?.customer?.name ?? undefined}>
        {name}
      </Text>
      <Button
        size="xs"
        variant="subtle"
        onClick={() => {
          void logout().then(() => navigate("/login"));
        }}
      >
        {t("nav.logout")}
      </Button>
    </Group>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const auth = useAuth();
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "md", collapsed: { mobile: !opened, desktop: true } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        {t("shell.skip")}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={t("shell.menu")}
            />
            <Anchor component={Link} to="/" fw={700} c="inherit" underline="never">
              {auth.me?.store.name ?? t("app.name")}
            </Anchor>
            <Group gap="md" visibleFrom="md" component="nav" aria-label={t("shell.mainNav")}>
              <NavItems />
            </Group>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {auth.isCustomer && (
              <Anchor component={NavLink} to="/cart" className="nav-link" fw={600}>
                {t("nav.cart")}
              </Anchor>
            )}
            <LanguageSelect />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="md" component="nav" aria-label={t("shell.mobileNav")}>
        <Stack gap="sm">
          <NavItems onNavigate={close} />
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <ImpersonationBanner />
        <div id="main">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
