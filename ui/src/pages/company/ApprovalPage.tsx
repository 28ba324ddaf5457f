import { Link, useNavigate, useParams } from "react-router";
import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../../components/ScrollTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Loading } from "../../auth/guards";
import { useAuth } from "../../auth/useAuth";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { usePageTitle } from "../../shell/usePageTitle";
import { useApproval, useApprovals, useApprove, useReject, useWithdraw } from "../../api/company";

// Dark shades: white 11 px text on them keeps AA contrast (at least 4.5:1).
const COLORS: Record<string, string> = {
  pending: "blue.9",
  approved: "teal.9",
  rejected: "red.9",
  withdrawn: "gray.8",
};

export function ApprovalBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status] ?? "gray.8"} variant="filled">
      {t(`company.status.${status}`, { defaultValue: status })}
    </Badge>
  );
}

/** F39: one approval request: the requester follows it (and may withdraw it); a manager sees
 * today's total and approves or rejects it with a reason. */
export function ApprovalPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  usePageTitle(t("company.requestTitle", { ref: shortId(id) }));
  const f = useFormat();
  const navigate = useNavigate();
  const auth = useAuth();
  const approval = useApproval(id);
  const approve = useApprove();
  const reject = useReject();
  const withdraw = useWithdraw();
  const [reason, setReason] = useState("");
  if (approval.isPending) return <Loading />;
  if (approval.isError) return <ProblemAlert error={approval.error} />;
  const a = approval.data;
  const mine = a.requested_by.id === auth.me?.principal.sub;
  const manager = auth.permissions?.manage_company === true && !mine;
  const pending = a.status === "pending";
  return (
    <Stack>
      <Title order={1}>{t("company.requestTitle", { ref: shortId(a.id) })}</Title>
      <Group>
        <ApprovalBadge status={a.status} />
        <Text>{t("company.requestedByOn", { name: a.requested_by.name, date: f.dateTime(a.created_at) })}</Text>
      </Group>
      <Text>
        {t("company.totalVsLimit", {
          total: f.money(a.total, a.currency),
          limit: f.money(a.limit.amount, a.limit.currency),
        })}
      </Text>
      {a.note && <Text>{t("company.note", { note: a.note })}</Text>}
      {a.current && pending && (
        <Alert color={a.current.changed ? "orange" : "blue"} variant="light" role="status">
          {a.current.changed
            ? t("company.repriced", { total: f.money(a.current.total, a.currency) })
            : t("company.samePrice", { total: f.money(a.current.total, a.currency) })}
        </Alert>
      )}
      {a.reason && <Text>{t("company.rejectedBecause", { reason: a.reason })}</Text>}
      {a.order_id && (
        <Anchor component={Link} to={`/orders/${encodeURIComponent(a.order_id)}`}>
          {t("company.seeOrder", { ref: shortId(a.order_id) })}
        </Anchor>
      )}
      <ScrollTable label={t("company.lines")} minWidth={360}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("company.item")}</Table.Th>
              <Table.Th ta="right">{t("company.quantity")}</Table.Th>
              <Table.Th ta="right">{t("company.total")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {a.lines.map((l) => (
              <Table.Tr key={l.sku}>
                <Table.Td>
                  {l.name} ({l.sku})
                </Table.Td>
                <Table.Td ta="right">{f.number(l.quantity)}</Table.Td>
                <Table.Td ta="right">{f.money(l.total, a.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {pending && manager && (
        <Stack gap="xs">
          <Button
            loading={approve.isPending}
            onClick={() =>
              approve.mutate(
                { id: a.id },
                { onSuccess: (order) => navigate(`/orders/${encodeURIComponent((order as { id: string }).id)}`) },
              )
            }
          >
            {t("company.approve")}
          </Button>
          <Textarea
            label={t("company.reason")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={1000}
          />
          <Button
            color="red.9"
            variant="outline"
            loading={reject.isPending}
            onClick={() => reject.mutate({ id: a.id, reason })}
          >
            {t("company.reject")}
          </Button>
        </Stack>
      )}
      {pending && mine && (
        <Button variant="outline" loading={withdraw.isPending} onClick={() => withdraw.mutate({ id: a.id })}>
          {t("company.withdraw")}
        </Button>
      )}
      {approve.isError && <ProblemAlert error={approve.error} />}
      {reject.isError && <ProblemAlert error={reject.error} />}
      {withdraw.isError && <ProblemAlert error={withdraw.error} />}
    </Stack>
  );
}

/** The requester's own requests, in the orders area. */
export function MyApprovalRequests() {
  const { t } = useTranslation();
  const f = useFormat();
  const auth = useAuth();
  const approvals = useApprovals();
  const mine = (approvals.data?.items ?? []).filter((a) => a.requested_by.id === auth.me?.principal.sub);
  if (mine.length === 0) return null;
  return (
    <Stack component="section" aria-labelledby="my-requests-title">
      <Title order={2} id="my-requests-title">
        {t("company.myRequests")}
      </Title>
      <ScrollTable label={t("company.myRequests")} minWidth={360}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("company.request")}</Table.Th>
              <Table.Th>{t("company.requestedAt")}</Table.Th>
              <Table.Th>{t("company.state")}</Table.Th>
              <Table.Th ta="right">{t("company.total")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {mine.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/approvals/${encodeURIComponent(a.id)}`}>
                    {shortId(a.id)}
                  </Anchor>
                </Table.Td>
                <Table.Td>{f.dateTime(a.created_at)}</Table.Td>
                <Table.Td>
                  <ApprovalBadge status={a.status} />
                </Table.Td>
                <Table.Td ta="right">{f.money(a.total, a.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
    </Stack>
  );
}
