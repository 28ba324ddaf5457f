import { useState } from "react";
import { Button, Group, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useDebouncedValue } from "@mantine/hooks";
import { useAddCartLines, usePurchased } from "../../api/buying";
import { Loading } from "../../auth/guards";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ScrollTable } from "../../components/ScrollTable";
import { notify } from "../../lib/notify";
import { problemMessage } from "../../lib/problems";
import { useFormat } from "../../lib/useFormat";
import { usePageTitle } from "../../shell/usePageTitle";

const PERIODS = ["30", "90", "180", "365"];

/** F37: what the customer bought lately, each back into the cart with one click. */
export function PurchasedPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("buying.purchased.title"));
  const [days, setDays] = useState("90");
  const [q, setQ] = useState("");
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const purchased = usePurchased(Number(days), debounced);
  const add = useAddCartLines();
  return (
    <Stack>
      <Title order={1}>{t("buying.purchased.title")}</Title>
      <Group align="flex-end">
        <Select
          label={t("buying.purchased.period")}
          data={PERIODS.map((d) => ({ value: d, label: t("buying.purchased.lastDays", { n: Number(d) }) }))}
          value={days}
          onChange={(v) => setDays(v ?? "90")}
          allowDeselect={false}
          w={200}
        />
        <TextInput label={t("buying.purchased.search")} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={260} />
      </Group>
      {purchased.isPending && <Loading />}
      {purchased.isError && <ProblemAlert error={purchased.error} />}
      {purchased.data && purchased.data.items.length === 0 && <Text>{t("buying.purchased.empty")}</Text>}
      {purchased.data && !purchased.data.complete && <Text size="sm" c="dimmed">{t("buying.purchased.incomplete")}</Text>}
      {purchased.data && purchased.data.items.length > 0 && (
        <ScrollTable label={t("buying.purchased.title")} minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("cart.item")}</Table.Th>
                <Table.Th ta="right">{t("buying.purchased.lastQuantity")}</Table.Th>
                <Table.Th ta="right">{t("buying.purchased.lastPrice")}</Table.Th>
                <Table.Th>{t("buying.purchased.lastDate")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {purchased.data.items.map((i) => (
                <Table.Tr key={i.sku}>
                  <Table.Td>
                    <Text fw={500}>{i.name}</Text>
                    <Text size="xs" c="dimmed">{i.sku}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{f.number(i.last_quantity)}</Table.Td>
                  <Table.Td ta="right">{f.money(i.last_unit_price, i.currency)}</Table.Td>
                  <Table.Td>{f.date(i.last_ordered_at)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      aria-label={t("buying.purchased.addOne", { name: i.name, quantity: i.last_quantity })}
                      onClick={() =>
                        add.mutate([{ sku: i.sku, quantity: i.last_quantity }], {
                          onSuccess: () => void notify({ message: t("catalog.added", { name: i.name, quantity: i.last_quantity }), color: "green" }),
                          onError: (e) => void notify({ title: t("errors.title"), message: problemMessage(e, t).text, color: "red" }),
                        })
                      }
                    >
                      {t("catalog.addToCart")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
