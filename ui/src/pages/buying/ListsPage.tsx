import { useState } from "react";
import { Link } from "react-router";
import { Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCreateList, useLists } from "../../api/buying";
import { Loading } from "../../auth/guards";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ScrollTable } from "../../components/ScrollTable";
import { useFormat } from "../../lib/useFormat";
import { usePageTitle } from "../../shell/usePageTitle";

/** F38: the customer's saved lists (shared by its contacts). */
export function ListsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("buying.lists.title"));
  const lists = useLists();
  const create = useCreateList();
  const [name, setName] = useState("");
  return (
    <Stack>
      <Title order={1}>{t("buying.lists.title")}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name }, { onSuccess: () => setName("") });
        }}
      >
        <Group align="flex-end">
          <TextInput label={t("buying.lists.newName")} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={80} w={280} />
          <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
            {t("buying.lists.create")}
          </Button>
        </Group>
      </form>
      {create.isError && <ProblemAlert error={create.error} />}
      {lists.isPending && <Loading />}
      {lists.isError && <ProblemAlert error={lists.error} />}
      {lists.data && lists.data.length === 0 && <Text>{t("buying.lists.empty")}</Text>}
      {lists.data && lists.data.length > 0 && (
        <ScrollTable label={t("buying.lists.title")} minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("buying.lists.name")}</Table.Th>
                <Table.Th ta="right">{t("buying.lists.lines")}</Table.Th>
                <Table.Th>{t("buying.lists.updated")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lists.data.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/lists/${l.id}`}>{l.name}</Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{f.number(l.line_count)}</Table.Td>
                  <Table.Td>{f.dateTime(l.updated_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
