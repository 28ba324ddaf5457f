import { useState } from "react";
import { Anchor, Button, Group, NativeSelect, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../lib/useFormat";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { useAccountRequests, useDecideRequest, type AccountRequest, type Decision } from "../api/requests";
import { AdminOnly, PageHeader, QueryState, StateBadge, useFlash } from "../common";

const STATUSES = ["pending", "approved", "rejected", "blocked"] as const;

function Decisions({ r, onDone }: { r: AccountRequest; onDone: (message: string) => void }) {
  const { t } = useTranslation("admin");
  const decide = useDecideRequest();
  const act = (decision: Decision) =>
    decide.mutate(
      { id: r.id, decision },
      { onSuccess: () => onDone(t(`requests.done.${decision}`, { company: r.company })) },
    );
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="wrap">
        {r.status === "pending" && (
          <>
            <Button size="xs" onClick={() => act("approve")} loading={decide.isPending} aria-describedby={`req-${r.id}`}>
              {t("requests.approve")}
            </Button>
            <Button size="xs" variant="outline" onClick={() => act("reject")} aria-describedby={`req-${r.id}`}>
              {t("requests.reject")}
            </Button>
            <Button size="xs" variant="outline" color="red.9" onClick={() => act("block")} aria-describedby={`req-${r.id}`}>
              {t("requests.block")}
            </Button>
          </>
        )}
        <ConfirmButton
          color="red.9"
          label={t("requests.delete")}
          title={t("requests.deleteTitle")}
          body={t("requests.deleteBody", { company: r.company })}
          confirmLabel={t("requests.delete")}
          onConfirm={() => act("delete")}
        />
      </Group>
      {decide.isError && <ProblemAlert error={decide.error} />}
    </Stack>
  );
}

/** F2: requests waiting for a decision (the link in the seller's email opens this page). */
export function AccountRequestsPage() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const [status, setStatus] = useState("pending");
  const q = useAccountRequests(status);
  const rows = q.data?.items ?? [];
  const [flash, setFlash] = useFlash();
  return (
    <Stack>
      <PageHeader title={t("requests.title")} />
      <NativeSelect
        label={t("common.status")}
        maw={240}
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value)}
        data={[{ value: "", label: t("common.any") }, ...STATUSES.map((s) => ({ value: s, label: t(`state.${s}`) }))]}
      />
      {flash}
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("requests.company")}</Table.Th>
                <Table.Th>{t("requests.contact")}</Table.Th>
                <Table.Th>{t("requests.received")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td id={`req-${r.id}`}>
                    <Text fw={600}>{r.company}</Text>
                    <Text size="sm">{r.tax_id}</Text>
                    <Text size="sm">{r.address}</Text>
                    {r.message && <Text size="sm" fs="italic">{r.message}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Text>{r.contact_name}</Text>
                    <Text size="sm">{r.email}</Text>
                    <Text size="sm">{r.phone}</Text>
                  </Table.Td>
                  <Table.Td>{f.dateTime(r.created_at)}</Table.Td>
                  <Table.Td>
                    <StateBadge state={r.status} />
                    {r.customer_id && (
                      <Anchor component={Link} to={`/admin/customers/${encodeURIComponent(r.customer_id)}`} display="block" size="sm">
                        {t("requests.openCustomer")}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <AdminOnly>
                      <Decisions r={r} onDone={setFlash} />
                    </AdminOnly>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
