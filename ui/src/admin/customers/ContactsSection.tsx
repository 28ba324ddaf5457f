import { useState } from "react";
import { Anchor, Paper, Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useFormat } from "../../lib/useFormat";
import { useAddContact, useContactAccess, useContacts, type AccessAction, type AccessOutcome, type Contact, type Customer } from "../api/customers";
import { QueryState, Section, StateBadge } from "../common";

/** The access moves each state offers (F6). */
const ACTIONS: Record<string, AccessAction[]> = {
  not_created: ["create"],
  invited: ["resend", "block"],
  active: ["block"],
  blocked: ["unblock"],
};

function AddContact({ customerId }: { customerId: string }) {
  const { t } = useTranslation("admin");
  const add = useAddContact(customerId);
  const [open, setOpen] = useState(false);
  const empty = {
    name: "",
    email: "",
    department: "",
    phone: "",
    place_orders: true,
    create_quotes: true,
    see_invoices: true,
    manage_company: false,
  };
  const [f, setF] = useState(empty);
  const set = (k: "name" | "email" | "department" | "phone") => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  return (
    <>
      <Button variant="outline" onClick={() => setOpen(true)}>
        {t("contacts.add")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("contacts.add")} centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate(
              {
                name: f.name.trim(),
                email: f.email.trim(),
                department: f.department.trim() || null,
                phone: f.phone.trim() || null,
                permissions: {
                  place_orders: f.place_orders,
                  create_quotes: f.create_quotes,
                  see_invoices: f.see_invoices,
                  manage_company: f.manage_company,
                },
              },
              {
                onSuccess: () => {
                  setF(empty);
                  setOpen(false);
                },
              },
            );
          }}
        >
          <Stack>
            <TextInput label={t("contacts.name")} required value={f.name} onChange={set("name")} />
            <TextInput label={t("contacts.email")} type="email" required value={f.email} onChange={set("email")} />
            <TextInput label={t("contacts.department")} value={f.department} onChange={set("department")} />
            <TextInput label={t("contacts.phone")} value={f.phone} onChange={set("phone")} />
            {(["place_orders", "create_quotes", "see_invoices"] as const).map((p) => (
              <Checkbox key={p} label={t(`contacts.perm.${p}`)} checked={f[p]} onChange={(e) => setF({ ...f, [p]: e.currentTarget.checked })} />
            ))}
            <Checkbox
              label={t("companyAdmin.manageCompany")}
              description={t("companyAdmin.manageCompanyHelp")}
              checked={f.manage_company}
              onChange={(e) => setF({ ...f, manage_company: e.currentTarget.checked })}
            />
            <ProblemAlert error={add.error} />
            <Button type="submit" loading={add.isPending}>
              {t("contacts.add")}
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function AccessButtons({ customerId, contact, onDone }: { customerId: string; contact: Contact; onDone: (o: AccessOutcome) => void }) {
  const { t } = useTranslation("admin");
  const access = useContactAccess(customerId);
  return (
    <Stack gap={4}>
      <Group gap="xs">
        {(ACTIONS[contact.access] ?? []).map((action) => (
          <Button
            key={action}
            size="xs"
            variant={action === "create" ? "filled" : "outline"}
            color={action === "block" ? "red.9" : undefined}
            loading={access.isPending && access.variables?.action === action}
            aria-describedby={`contact-${contact.email}`}
            onClick={() => access.mutate({ email: contact.email, action }, { onSuccess: onDone })}
          >
            {t(`contacts.action.${action}`)}
          </Button>
        ))}
      </Group>
      <ProblemAlert error={access.error} />
    </Stack>
  );
}

/** F6-F7: contacts, their access state and last access; create/resend/block/unblock; the WhatsApp link. */
export function ContactsSection({ c }: { c: Customer }) {
  const { t } = useTranslation("admin");
  const f = useFormat();
  const q = useContacts(c.id);
  const [outcome, setOutcome] = useState<AccessOutcome | null>(null);
  const rows = q.data?.items ?? [];
  return (
    <Section title={t("contacts.title")} actions={<AddContact customerId={c.id} />}>
      {q.data && <Text>{t("contacts.withAccess", { count: q.data.emails_with_access })}</Text>}
      {outcome && (
        <Paper withBorder p="sm" role="status">
          <Stack gap={4}>
            <Text fw={600}>{t("contacts.outcome", { email: outcome.email })}</Text>
            <Text>
              {t("contacts.stateNow")} {t(`state.${outcome.access}`)}
              {outcome.invitation_expires_at ? ` · ${t("contacts.expires", { date: f.dateTime(outcome.invitation_expires_at) })}` : ""}
            </Text>
            {outcome.whatsapp_link && (
              <Anchor href={outcome.whatsapp_link} target="_blank" rel="noopener noreferrer">
                {t("contacts.whatsapp")}
              </Anchor>
            )}
          </Stack>
        </Paper>
      )}
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("contacts.name")}</Table.Th>
                <Table.Th>{t("contacts.email")}</Table.Th>
                <Table.Th>{t("contacts.access")}</Table.Th>
                <Table.Th>{t("contacts.lastAccess")}</Table.Th>
                <Table.Th>{t("common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((ct) => (
                <Table.Tr key={ct.email}>
                  <Table.Td id={`contact-${ct.email}`}>
                    <Text>{ct.name}</Text>
                    <Text size="sm" c="dimmed">
                      {[ct.department, ct.phone].filter(Boolean).join(" · ")}
                    </Text>
                    {ct.permissions?.manage_company && <Text size="sm">{t("companyAdmin.manager")}</Text>}
                    {ct.spending_limit && (
                      <Text size="sm">
                        {t("companyAdmin.limit", {
                          amount: f.money(ct.spending_limit.amount, ct.spending_limit.currency),
                        })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{ct.email}</Table.Td>
                  <Table.Td>
                    <StateBadge state={ct.access} />
                  </Table.Td>
                  <Table.Td>{ct.last_access_at ? f.dateTime(ct.last_access_at) : "—"}</Table.Td>
                  <Table.Td>
                    <AccessButtons customerId={c.id} contact={ct} onDone={setOutcome} />
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
