// Small pieces every console page uses: the page heading (and document title), the admin-only
// gate for controls, a "load more" button for cursor paging, and query states.
import { useState, type ReactNode } from "react";
import { Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useAuth } from "../auth/useAuth";
import { usePageTitle } from "../shell/usePageTitle";
import { Loading } from "../auth/guards";
import { ProblemAlert } from "../components/ProblemAlert";

/** Admins may do everything; agents only serve their customers (the API enforces it too). */
export function useIsAdmin(): boolean {
  const auth = useAuth();
  return auth.isStaff && auth.me?.principal.role === "admin";
}

/** Renders its children for admins only: an agent is never offered an admin-only control. */
export function AdminOnly({ children }: { children: ReactNode }) {
  return useIsAdmin() ? <>{children}</> : null;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  usePageTitle(title);
  return (
    <Group justify="space-between" align="center" wrap="wrap">
      <Title order={1}>{title}</Title>
      {children && <Group gap="sm">{children}</Group>}
    </Group>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <Stack gap="sm" component="section" aria-label={title}>
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h3">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}

/** Pending, error, or empty: what a list shows before (or instead of) its rows. */
export function QueryState({ q, empty }: { q: { isPending: boolean; isError: boolean; error: unknown }; empty?: boolean }) {
  const { t } = useTranslation("admin");
  if (q.isPending) return <Loading />;
  if (q.isError) return <ProblemAlert error={q.error} />;
  if (empty) return <Text c="dimmed">{t("common.none")}</Text>;
  return null;
}

export function LoadMore({ q }: { q: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown } }) {
  const { t } = useTranslation("admin");
  if (!q.hasNextPage) return null;
  return (
    <Button variant="default" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} w="fit-content">
      {t("common.loadMore")}
    </Button>
  );
}

// Dark shades: white text on them keeps WCAG AA contrast.
const COLORS: Record<string, string> = {
  pending: "#a33a00",
  active: "teal.9",
  approved: "teal.9",
  inactive: "gray.7",
  blocked: "red.9",
  rejected: "gray.7",
  not_created: "gray.7",
  invited: "blue.9",
  queued: "gray.7",
  running: "blue.9",
  succeeded: "teal.9",
  failed: "red.9",
  placed: "blue.9",
  claimed: "violet.9",
  fulfilled: "teal.9",
  cancelled: "gray.7",
  expired: "gray.7",
  requested: "blue.9",
  answered: "violet.9",
  accepted: "teal.9",
};

/** A customer, request, access or run state, translated (console messages). */
export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation("admin");
  return (
    <Badge color={COLORS[state] ?? "gray.7"} variant="filled">
      {t(`state.${state}`, { defaultValue: state })}
    </Badge>
  );
}


/**
 * A confirmation shown in the page (a live region) rather than as a toast: it stays where the
 * user acted and is announced by screen readers.
 */
export function useFlash(): [ReactNode, (message: string) => void] {
  const [message, setMessage] = useState<string | null>(null);
  const node = message ? (
    <Text role="status" c="teal.9" fw={600}>
      {message}
    </Text>
  ) : null;
  return [node, setMessage];
}

/** An order's or a quote's status, in the console's words and AA-contrast colors. */
export function StatusBadge({ status, of }: { status: string; of: "order" | "quote" }) {
  const { t } = useTranslation("admin");
  return (
    <Badge color={COLORS[status] ?? "gray.7"} variant="filled">
      {t(`${of}Status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
