import { useState } from "react";
import { Badge, Button, NativeSelect, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";
import { useActivity, useAddNote, useContacts, useEmailCustomer, useTimeline, type Customer } from "../api/customers";
import { LoadMore, QueryState, Section, useFlash } from "../common";

/** F10: what the customer's contacts did in the portal, impersonated sessions marked. */
export function ActivitySection({ id }: { id: string }) {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useActivity(id);
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section title={t("activity.title")}>
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("activity.when")}</Table.Th>
                <Table.Th>{t("activity.what")}</Table.Th>
                <Table.Th>{t("activity.who")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{f.dateTime(a.at)}</Table.Td>
                  <Table.Td>{t(`activity.kind.${a.kind}`, { defaultValue: a.kind })}</Table.Td>
                  <Table.Td>
                    {a.actor_name}
                    {a.impersonated_by && (
                      <Badge ml="xs" color="#a33a00" variant="filled">
                        {t("activity.impersonated", { staff: a.impersonated_by })}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore q={q} />
    </Section>
  );
}

/** F11: internal notes (never shown to the customer) and the emails sent to it. */
export function TimelineSection({ id }: { id: string }) {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useTimeline(id);
  const add = useAddNote(id);
  const [body, setBody] = useState("");
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section title={t("timeline.title")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ body: body.trim() }, { onSuccess: () => setBody("") });
        }}
      >
        <Stack gap="xs">
          <Textarea label={t("timeline.note")} value={body} onChange={(e) => setBody(e.currentTarget.value)} required autosize minRows={2} />
          <ProblemAlert error={add.error} />
          <Button type="submit" loading={add.isPending} w="fit-content">
            {t("timeline.addNote")}
          </Button>
        </Stack>
      </form>
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      <Stack gap="sm" component="ol" style={{ listStyle: "none", padding: 0 }}>
        {rows.map((e) => (
          <li key={e.id}>
            <Text size="sm" c="dimmed">
              {f.dateTime(e.at)} · {e.author} · {t(`timeline.kind.${e.kind}`)}
              {e.to && e.to.length > 0 ? ` · ${e.to.join(", ")}` : ""}
            </Text>
            {e.subject && <Text fw={600}>{e.subject}</Text>}
            <Text style={{ whiteSpace: "pre-wrap" }}>{e.body}</Text>
          </li>
        ))}
      </Stack>
      <LoadMore q={q} />
    </Section>
  );
}

/** F12: an email to the customer's main address or one contact, logged on the timeline. */
export function EmailSection({ c }: { c: Customer }) {
  const { t } = useTranslation("admin");
  const contacts = useContacts(c.id);
  const send = useEmailCustomer(c.id);
  const [to, setTo] = useState(c.email);
  const [flash, setFlash] = useFlash();
  const [subject, setSubject] = useState("");
  const [message, setMessage] = useState("");
  const addresses = [c.email, ...(contacts.data?.items ?? []).map((x) => x.email).filter((e) => e !== c.email)];
  return (
    <Section title={t("email.title")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate(
            { to, subject: subject.trim(), message: message.trim() },
            {
              onSuccess: () => {
                setSubject("");
                setMessage("");
                setFlash(t("email.sent", { to }));
              },
            },
          );
        }}
      >
        <Stack gap="xs">
          <NativeSelect label={t("email.to")} value={to} onChange={(e) => setTo(e.currentTarget.value)} data={addresses} />
          <TextInput label={t("email.subject")} required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} />
          <Textarea label={t("email.message")} required autosize minRows={4} value={message} onChange={(e) => setMessage(e.currentTarget.value)} />
          <ProblemAlert error={send.error} />
          {flash}
          <Button type="submit" loading={send.isPending} w="fit-content">
            {t("email.send")}
          </Button>
        </Stack>
      </form>
    </Section>
  );
}
