import { useState } from "react";
import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { useFormat } from "../../lib/useFormat";
import { useAnnouncements, useCreateAnnouncement, useDeleteAnnouncement } from "../api/admin";
import { AdminOnly, PageHeader, QueryState, Section } from "../common";
import { splitList } from "../parse";

/** `YYYY-MM-DDTHH:mm` in the browser's time for a datetime-local input. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function NewAnnouncement() {
  const { t } = useTranslation("admin");
  const create = useCreateAnnouncement();
  const empty = () => ({ title: "", body: "", audience: "all", tags: "", starts: localInput(Date.now()), ends: localInput(Date.now() + 7 * 86_400_000) });
  const [v, setV] = useState(empty);
  return (
    <Section title={t("announcements.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            {
              title: v.title.trim(),
              body: v.body.trim(),
              audience: v.audience === "all" ? "all" : { tags: splitList(v.tags) },
              starts_at: new Date(v.starts).toISOString(),
              ends_at: new Date(v.ends).toISOString(),
            },
            { onSuccess: () => setV(empty()) },
          );
        }}
      >
        <Stack>
          <TextInput label={t("announcements.titleField")} required value={v.title} onChange={(e) => setV({ ...v, title: e.currentTarget.value })} />
          <Textarea label={t("announcements.body")} required autosize minRows={3} value={v.body} onChange={(e) => setV({ ...v, body: e.currentTarget.value })} />
          <Group align="flex-end">
            <NativeSelect
              label={t("announcements.audience")}
              value={v.audience}
              onChange={(e) => setV({ ...v, audience: e.currentTarget.value })}
              data={[
                { value: "all", label: t("announcements.all") },
                { value: "tags", label: t("announcements.tagged") },
              ]}
            />
            {v.audience === "tags" && (
              <TextInput label={t("announcements.tags")} description={t("common.commaSeparated")} required value={v.tags} onChange={(e) => setV({ ...v, tags: e.currentTarget.value })} />
            )}
            <TextInput label={t("announcements.starts")} type="datetime-local" required value={v.starts} onChange={(e) => setV({ ...v, starts: e.currentTarget.value })} />
            <TextInput label={t("announcements.ends")} type="datetime-local" required value={v.ends} onChange={(e) => setV({ ...v, ends: e.currentTarget.value })} />
          </Group>
          <ProblemAlert error={create.error} />
          <Button type="submit" loading={create.isPending} w="fit-content">
            {t("announcements.publish")}
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

/** F13: messages to all customers or to tagged ones, between two dates. */
export function AnnouncementsPage() {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useAnnouncements();
  const del = useDeleteAnnouncement();
  const rows = q.data?.items ?? [];
  return (
    <Stack gap="lg">
      <PageHeader title={t("announcements.title")} />
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("announcements.titleField")}</Table.Th>
                <Table.Th>{t("announcements.audience")}</Table.Th>
                <Table.Th>{t("announcements.period")}</Table.Th>
                <Table.Th>{t("common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Text fw={600}>{a.title}</Text>
                    <Text size="sm">{a.body}</Text>
                  </Table.Td>
                  <Table.Td>{a.audience === "all" ? t("announcements.all") : t("announcements.forTags", { tags: a.audience.tags.join(", ") })}</Table.Td>
                  <Table.Td>
                    {f.dateTime(a.starts_at)} – {f.dateTime(a.ends_at)}
                  </Table.Td>
                  <Table.Td>
                    <AdminOnly>
                      <ConfirmButton
                        color="red.9"
                        label={t("common.delete")}
                        title={t("announcements.deleteTitle")}
                        body={a.title}
                        confirmLabel={t("common.delete")}
                        onConfirm={() => del.mutate(a.id)}
                      />
                    </AdminOnly>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ProblemAlert error={del.error} />
      <AdminOnly>
        <NewAnnouncement />
      </AdminOnly>
    </Stack>
  );
}
