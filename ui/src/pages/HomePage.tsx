import { Alert, Anchor, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { useAuth } from "../auth/useAuth";
import { useOrders } from "../api/orders";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { shortId } from "../lib/ids";

/** Home of a contact: announcements (F13), credit at a glance, recent orders. */
export function HomePage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const f = useFormat();
  const orders = useOrders({ limit: 5 });
  usePageTitle(t("home.title"));
  const credit = me?.credit ?? null;
  return (
    <Stack>
      <Title order={1}>{t("home.welcome", { name: me?.principal.name ?? "" })}</Title>
      {me?.customer && <Text c="dimmed">{me.customer.name}</Text>}

      {(me?.announcements ?? []).length > 0 && (
        <Stack gap="sm" component="section" aria-label={t("home.announcements")}>
          {(me?.announcements ?? []).map((a) => (
            <Alert key={a.id} color="indigo" variant="light" title={a.title}>
              <Text style={{ whiteSpace: "pre-wrap" }}>{a.body}</Text>
            </Alert>
          ))}
        </Stack>
      )}

      <section aria-labelledby="credit-heading">
        <Title order={2} size="h3" id="credit-heading" mb="sm">
          {t("home.credit")}
        </Title>
        {credit ? (
          <SimpleGrid cols={{ base: 1, xs: 3 }}>
            <Card withBorder>
              <Text size="sm" c="dimmed">{t("credit.limit")}</Text>
              <Text fw={700} size="lg">{f.money(credit.limit, credit.currency)}</Text>
            </Card>
            <Card withBorder>
              <Text size="sm" c="dimmed">{t("credit.used")}</Text>
              <Text fw={700} size="lg">
                {f.money(String(Number(credit.open_orders) + Number(credit.unpaid)), credit.currency)}
              </Text>
            </Card>
            <Card withBorder>
              <Text size="sm" c="dimmed">{t("credit.available")}</Text>
              <Text fw={700} size="lg">{f.money(credit.available, credit.currency)}</Text>
            </Card>
          </SimpleGrid>
        ) : (
          <Text>{t("home.noCredit")}</Text>
        )}
      </section>

      <section aria-labelledby="recent-heading">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h3" id="recent-heading">
            {t("home.recentOrders")}
          </Title>
          <Anchor component={Link} to="/orders">{t("home.allOrders")}</Anchor>
        </Group>
        {orders.data && orders.data.items.length === 0 && <Text>{t("orders.none")}</Text>}
        {orders.data && orders.data.items.length > 0 && (
          <ScrollTable label={t("home.recentOrders")} minWidth={360}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("orders.number")}</Table.Th>
                  <Table.Th>{t("orders.placedAt")}</Table.Th>
                  <Table.Th>{t("orders.status")}</Table.Th>
                  <Table.Th ta="right">{t("orders.total")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orders.data.items.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/orders/${encodeURIComponent(o.id)}`}>
                        {o.erp_number ?? shortId(o.id)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{f.dateTime(o.created_at)}</Table.Td>
                    <Table.Td><StatusBadge status={o.status} /></Table.Td>
                    <Table.Td ta="right">{f.money(o.total, o.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </section>
    </Stack>
  );
}
