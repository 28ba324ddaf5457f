import { Anchor, Card, List, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../auth/useAuth";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { Loading } from "../../auth/guards";
import { useAdminOrderPages } from "../api/orders";
import { useAccountRequests } from "../api/requests";
import { useDeadLetters } from "../api/admin";
import { PageHeader, useIsAdmin } from "../common";

/** Orders whose claim deadline falls within this window count as "about to expire". */
const SOON_MS = 24 * 3600 * 1000;

function Tile({ title, count, more, link, linkLabel, children }: {
  title: string;
  count: number | undefined;
  more?: boolean;
  link: string;
  linkLabel: string;
  children?: React.ReactNode;
}) {
  return (
    <Card withBorder component="section" aria-label={title}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        {count === undefined ? <Loading /> : <Text fz={32} fw={700}>{more ? `${count}+` : count}</Text>}
        {children}
        <Anchor component={Link} to={link}>
          {linkLabel}
        </Anchor>
      </Stack>
    </Card>
  );
}

/** F35: what waits for staff. */
export function DashboardPage() {
  const { t } = useTranslation("admin");
  const { me } = useAuth();
  const admin = useIsAdmin();
  const f = useFormat();
  const placed = useAdminOrderPages({ status: "placed" });
  const requests = useAccountRequests("pending");
  const dead = useDeadLetters(admin);
  const waiting = placed.data?.pages.flatMap((p) => p.items) ?? [];
  const now = Date.now();
  const expiring = waiting
    .filter((o) => Date.parse(o.expires_at) - now < SOON_MS)
    .sort((a, b) => a.expires_at.localeCompare(b.expires_at));
  return (
    <Stack>
      <PageHeader title={t("dashboard.title")} />
      <Text>{t("dashboard.welcome", { name: me?.principal.name ?? "" })}</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Tile
          title={t("dashboard.unclaimed")}
          count={placed.data ? waiting.length : undefined}
          more={placed.hasNextPage}
          link="/admin/orders?status=placed"
          linkLabel={t("dashboard.seeOrders")}
        >
          <List size="sm">
            {waiting.slice(0, 5).map((o) => (
              <List.Item key={o.id}>
                <Anchor component={Link} to={`/admin/orders/${encodeURIComponent(o.id)}`}>
                  {o.erp_number ?? shortId(o.id)}
                </Anchor>{" "}
                {o.customer_name} · {f.money(o.total, o.currency)}
              </List.Item>
            ))}
          </List>
        </Tile>
        <Tile
          title={t("dashboard.requests")}
          count={requests.data?.items.length}
          more={!!requests.data?.next_cursor}
          link="/admin/account-requests"
          linkLabel={t("dashboard.seeRequests")}
        />
        <Tile
          title={t("dashboard.expiring")}
          count={placed.data ? expiring.length : undefined}
          link="/admin/orders?status=placed"
          linkLabel={t("dashboard.seeOrders")}
        >
          <List size="sm">
            {expiring.slice(0, 5).map((o) => (
              <List.Item key={o.id}>
                <Anchor component={Link} to={`/admin/orders/${encodeURIComponent(o.id)}`}>
                  {o.erp_number ?? shortId(o.id)}
                </Anchor>{" "}
                {t("dashboard.expiresAt", { date: f.dateTime(o.expires_at) })}
              </List.Item>
            ))}
          </List>
        </Tile>
        {admin && (
          <Tile
            title={t("dashboard.deadLetters")}
            count={dead.data?.items.length ?? (dead.isError ? 0 : undefined)}
            link="/admin/erp"
            linkLabel={t("dashboard.seeErp")}
          />
        )}
      </SimpleGrid>
    </Stack>
  );
}
