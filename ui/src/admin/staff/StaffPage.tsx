import { useState } from "react";
import { Button, Group, NativeSelect, PasswordInput, Stack, Table, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCreateStaff, useStaffUsers, useUpdateStaff, type StaffUser } from "../api/admin";
import { PageHeader, QueryState, Section, StateBadge } from "../common";
import { useAuth } from "../../auth/useAuth";

function NewStaff() {
  const { t } = useTranslation("admin");
  const create = useCreateStaff();
  const empty = { name: "", email: "", role: "agent", password: "" };
  const [v, setV] = useState(empty);
  return (
    <Section title={t("staff.new")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: v.name.trim(), email: v.email.trim(), role: v.role as StaffUser["role"], password: v.password || null },
            { onSuccess: () => setV(empty) },
          );
        }}
      >
        <Group align="flex-end">
          <TextInput label={t("staff.name")} required value={v.name} onChange={(e) => setV({ ...v, name: e.currentTarget.value })} />
          <TextInput label={t("staff.email")} type="email" required value={v.email} onChange={(e) => setV({ ...v, email: e.currentTarget.value })} />
          <NativeSelect
            label={t("staff.role")}
            value={v.role}
            onChange={(e) => setV({ ...v, role: e.currentTarget.value })}
            data={[
              { value: "agent", label: t("staff.roles.agent") },
              { value: "admin", label: t("staff.roles.admin") },
            ]}
          />
          <PasswordInput label={t("staff.password")} description={t("staff.passwordHelp")} value={v.password} onChange={(e) => setV({ ...v, password: e.currentTarget.value })} />
          <Button type="submit" loading={create.isPending}>
            {t("common.create")}
          </Button>
        </Group>
      </form>
      <ProblemAlert error={create.error} />
    </Section>
  );
}

/** F8: admins and agents. */
export function StaffPage() {
  const { t } = useTranslation("admin");
  const { me } = useAuth();
  const q = useStaffUsers();
  const update = useUpdateStaff();
  const rows = q.data?.items ?? [];
  return (
    <Stack gap="lg">
      <PageHeader title={t("staff.title")} />
      <QueryState q={q} empty={q.isSuccess && rows.length === 0} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("staff.name")}</Table.Th>
                <Table.Th>{t("staff.email")}</Table.Th>
                <Table.Th>{t("staff.role")}</Table.Th>
                <Table.Th>{t("common.status")}</Table.Th>
                <Table.Th>{t("common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>{s.email}</Table.Td>
                  <Table.Td>{t(`staff.roles.${s.role}`)}</Table.Td>
                  <Table.Td>
                    <StateBadge state={s.active ? "active" : "inactive"} />
                  </Table.Td>
                  <Table.Td>
                    {s.id !== me?.principal.sub && (
                      <Button
                        size="xs"
                        variant="outline"
                        color={s.active ? "red.9" : undefined}
                        aria-label={t(s.active ? "staff.deactivateOne" : "staff.activateOne", { name: s.name })}
                        onClick={() => update.mutate({ id: s.id, patch: { active: !s.active } })}
                      >
                        {t(s.active ? "staff.deactivate" : "staff.activate")}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ProblemAlert error={update.error} />
      <NewStaff />
    </Stack>
  );
}
