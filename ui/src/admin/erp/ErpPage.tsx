import { Button, Code, Group, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";
import { useDeadLetters, useReplay, useSyncNow, useSyncRuns } from "../api/admin";
import { PageHeader, QueryState, Section, StateBadge } from "../common";

function Runs() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useSyncRuns();
  const rows = q.data?.items ?? [];
  return (
    <Section title={t("erp.runs")}>
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("erp.started")}</Table.Th>
                <Table.Th>{t("erp.trigger")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("erp.counts")}</Table.Th>
                <Table.Th>{t("erp.errors")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    {f.dateTime(r.started_at ?? r.created_at)}
                    {r.finished_at && (
                      <Text size="sm" c="dimmed">
                        {t("erp.finished", { date: f.dateTime(r.finished_at) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{t(`erp.triggers.${r.trigger}`)}</Table.Td>
                  <Table.Td>
                    <StateBadge state={r.status} />
                  </Table.Td>
                  <Table.Td>
                    {r.counts.length === 0
                      ? t("erp.noChanges")
                      : r.counts.map((c) => (
                          <Text key={c.kind} size="sm">
                            {t("erp.count", { kind: t(`erp.kinds.${c.kind}`, { defaultValue: c.kind }), received: c.received, applied: c.applied, ignored: c.ignored, rejected: c.rejected })}
                          </Text>
                        ))}
                  </Table.Td>
                  <Table.Td>
                    {r.error && <Text size="sm">{r.error}</Text>}
                    {r.errors.slice(0, 5).map((e) => (
                      <Text key={`${e.field}-${e.reason}`} size="sm">
                        {e.field}: {e.reason}
                      </Text>
                    ))}
                    {!r.error && r.errors.length === 0 && "—"}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

function DeadLetters() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useDeadLetters();
  const replay = useReplay();
  const rows = q.data?.items ?? [];
  return (
    <Section
      title={t("erp.deadLetters")}
      actions={
        rows.length > 0 && (
          <Button variant="outline" loading={replay.isPending && !replay.variables} onClick={() => replay.mutate(undefined)}>
            {t("erp.replayAll")}
          </Button>
        )
      }
    >
      {replay.data && (
        <Text role="status">{t("erp.replayed", { count: replay.data.replayed.length })}</Text>
      )}
      <ProblemAlert error={replay.error} />
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("erp.kind")}</Table.Th>
                <Table.Th>{t("erp.summary")}</Table.Th>
                <Table.Th>{t("erp.sentAt")}</Table.Th>
                <Table.Th>{t("erp.receives")}</Table.Th>
                <Table.Th>{t("common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((d) => (
                <Table.Tr key={d.message_id}>
                  <Table.Td>{d.kind}</Table.Td>
                  <Table.Td id={`dl-${d.message_id}`}>
                    <Text size="sm">{d.summary}</Text>
                    <details>
                      <summary>{t("erp.body")}</summary>
                      <Code block>{d.body}</Code>
                    </details>
                  </Table.Td>
                  <Table.Td>{d.sent_at ? f.dateTime(d.sent_at) : "—"}</Table.Td>
                  <Table.Td>{d.receive_count ?? "—"}</Table.Td>
                  <Table.Td>
                    <Button size="xs" aria-describedby={`dl-${d.message_id}`} onClick={() => replay.mutate([d.message_id])}>
                      {t("erp.replay")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** F31-F32: sync now, the run history, and the dead letters to replay. */
export function ErpPage() {
  const { t } = useTranslation("admin");
  const sync = useSyncNow();
  return (
    <Stack gap="xl">
      <PageHeader title={t("erp.title")}>
        <Button loading={sync.isPending} onClick={() => sync.mutate()}>
          {t("erp.syncNow")}
        </Button>
      </PageHeader>
      {sync.data && <Group role="status">{t("erp.startedMsg")}</Group>}
      <ProblemAlert error={sync.error} />
      <Runs />
      <DeadLetters />
    </Stack>
  );
}
