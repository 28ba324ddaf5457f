import { Link } from "react-router";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../../components/ScrollTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Loading } from "../../auth/guards";
import { useAuth } from "../../auth/useAuth";
import { useFormat } from "../../lib/useFormat";
import { shortId } from "../../lib/ids";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  type CompanyContact,
  useApprovals,
  useColleagueAccess,
  useCompanyContacts,
  useInviteColleague,
  useUpdateColleague,
} from "../../api/company";

/** The company's currency (limits are set in it): its credit's, else the store's. */
function useCurrency() {
  const me = useAuth().me;
  return me?.credit?.currency ?? me?.store.default_currency ?? "";
}

type Perms = { place_orders: boolean; create_quotes: boolean; see_invoices: boolean };
const PERMS = ["place_orders", "create_quotes", "see_invoices"] as const;

/** F39: the company's people and the orders waiting for a manager's approval. */
export function CompanyPage() {
  const { t } = useTranslation();
  usePageTitle(t("company.title"));
  return (
    <Stack gap="xl">
      <Title order={1}>{t("company.title")}</Title>
      <PendingApprovals />
      <People />
    </Stack>
  );
}

function PendingApprovals() {
  const { t } = useTranslation();
  const f = useFormat();
  const approvals = useApprovals("pending");
  const items = approvals.data?.items ?? [];
  return (
    <Stack component="section" aria-labelledby="approvals-title">
      <Title order={2} id="approvals-title">
        {t("company.approvals")}
      </Title>
      {approvals.isPending && <Loading />}
      {approvals.isError && <ProblemAlert error={approvals.error} />}
      {approvals.isSuccess && items.length === 0 && <Text>{t("company.noApprovals")}</Text>}
      {items.length > 0 && (
        <ScrollTable label={t("company.approvals")} minWidth={420}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("company.request")}</Table.Th>
                <Table.Th>{t("company.requestedBy")}</Table.Th>
                <Table.Th>{t("company.requestedAt")}</Table.Th>
                <Table.Th ta="right">{t("company.total")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/approvals/${encodeURIComponent(a.id)}`}>
                      {t("company.reviewRequest", { ref: shortId(a.id) })}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.requested_by.name}</Table.Td>
                  <Table.Td>{f.dateTime(a.created_at)}</Table.Td>
                  <Table.Td ta="right">{f.money(a.total, a.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}

function People() {
  const { t } = useTranslation();
  const contacts = useCompanyContacts();
  const me = useAuth().me;
  const items = contacts.data?.items ?? [];
  return (
    <Stack component="section" aria-labelledby="people-title">
      <Title order={2} id="people-title">
        {t("company.people")}
      </Title>
      {contacts.isPending && <Loading />}
      {contacts.isError && <ProblemAlert error={contacts.error} />}
      {items.map((c) => (
        <Person key={c.email} contact={c} self={c.email === me?.principal.sub} />
      ))}
      <InviteForm />
    </Stack>
  );
}

function accessLabel(t: (k: string) => string, access: string) {
  return t(`company.access.${access}`);
}

function Person({ contact, self }: { contact: CompanyContact; self: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const update = useUpdateColleague();
  const access = useColleagueAccess();
  const held = contact.permissions;
  const editable = !self && !held?.manage_company;
  const [perms, setPerms] = useState<Perms>({
    place_orders: held?.place_orders ?? true,
    create_quotes: held?.create_quotes ?? true,
    see_invoices: held?.see_invoices ?? true,
  });
  const [limit, setLimit] = useState(contact.spending_limit?.amount ?? "");
  const [saved, setSaved] = useState(false);
  const companyCurrency = useCurrency();
  const currency = contact.spending_limit?.currency ?? companyCurrency;
  const save = () => {
    setSaved(false);
    update.mutate(
      {
        email: contact.email,
        body: {
          permissions: { ...perms, manage_company: false },
          spending_limit: limit.trim() ? { amount: limit.trim(), currency } : null,
        },
      },
      { onSuccess: () => setSaved(true) },
    );
  };
  return (
    <Stack
      gap="xs"
      p="sm"
      style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8 }}
      aria-label={contact.name}
      component="article"
    >
      <Group justify="space-between">
        <div>
          <Text fw={600}>{contact.name}</Text>
          <Text size="sm">{contact.email}</Text>
        </div>
        <Group gap="xs">
          {held?.manage_company && <Badge color="violet.9" variant="filled">{t("company.manager")}</Badge>}
          <Badge color={contact.access === "blocked" ? "red.9" : "blue.9"} variant="filled">
            {accessLabel(t, contact.access)}
          </Badge>
        </Group>
      </Group>
      {contact.spending_limit && (
        <Text size="sm">
          {t("company.limitIs", { amount: f.money(contact.spending_limit.amount, contact.spending_limit.currency) })}
        </Text>
      )}
      {editable && (
        <>
          <Group>
            {PERMS.map((p) => (
              <Checkbox
                key={p}
                label={`${t(`company.perm.${p}`)} (${contact.name})`}
                checked={perms[p]}
                onChange={(e) => setPerms({ ...perms, [p]: e.currentTarget.checked })}
              />
            ))}
          </Group>
          <Group align="end">
            <TextInput
              label={t("company.limitFor", { name: contact.name, currency })}
              description={t("company.limitHelp")}
              value={limit}
              inputMode="decimal"
              onChange={(e) => setLimit(e.currentTarget.value)}
            />
            <Button onClick={save} loading={update.isPending}>
              {t("company.saveFor", { name: contact.name })}
            </Button>
            {contact.access === "blocked" ? (
              <Button
                variant="outline"
                loading={access.isPending}
                onClick={() => access.mutate({ email: contact.email, action: "unblock" })}
              >
                {t("company.unblockName", { name: contact.name })}
              </Button>
            ) : contact.access !== "not_created" ? (
              <Button
                color="red.9"
                variant="outline"
                loading={access.isPending}
                onClick={() => access.mutate({ email: contact.email, action: "block" })}
              >
                {t("company.blockName", { name: contact.name })}
              </Button>
            ) : null}
          </Group>
          {saved && !update.isPending && (
            <Text size="sm" role="status">
              {t("company.saved")}
            </Text>
          )}
          {update.isError && <ProblemAlert error={update.error} />}
          {access.isError && <ProblemAlert error={access.error} />}
        </>
      )}
    </Stack>
  );
}

function InviteForm() {
  const { t } = useTranslation();
  const invite = useInviteColleague();
  const currency = useCurrency();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [limit, setLimit] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setSent(null);
    invite.mutate(
      {
        email: email.trim(),
        name: name.trim(),
        phone: phone.trim() || undefined,
        spending_limit: limit.trim() ? { amount: limit.trim(), currency } : undefined,
      },
      {
        onSuccess: () => {
          setSent(email.trim());
          setEmail("");
          setName("");
          setPhone("");
          setLimit("");
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-labelledby="invite-title">
      <Stack gap="xs">
        <Title order={3} id="invite-title">
          {t("company.invite")}
        </Title>
        <Group align="end">
          <TextInput label={t("company.name")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput
            label={t("company.email")}
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput label={t("company.phone")} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
          <TextInput
            label={t("company.limit", { currency })}
            inputMode="decimal"
            value={limit}
            onChange={(e) => setLimit(e.currentTarget.value)}
          />
          <Button type="submit" loading={invite.isPending}>
            {t("company.sendInvitation")}
          </Button>
        </Group>
        {sent && (
          <Alert color="green" variant="light" role="status">
            {t("company.invited", { email: sent })}
          </Alert>
        )}
        {invite.isError && <ProblemAlert error={invite.error} />}
      </Stack>
    </form>
  );
}
