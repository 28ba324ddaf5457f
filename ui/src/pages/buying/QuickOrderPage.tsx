import { useState } from "react";
import { Link } from "react-router";
import {
  Alert,
  Anchor,
  Autocomplete,
  Badge,
  Button,
  FileInput,
  Group,
  List,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useDebouncedValue } from "@mantine/hooks";
import { ApiError } from "../../api/client";
import { useAddCartLines, useQuickCheck, type QuickOrderCheck, type QuickRow } from "../../api/buying";
import { useCatalog } from "../../api/catalog";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ScrollTable } from "../../components/ScrollTable";
import { notify } from "../../lib/notify";
import { problemMessage } from "../../lib/problems";
import {
  MAX_TEXT_BYTES,
  SAMPLE_CSV,
  rowOfField,
  rowsToText,
  wholeInputProblem,
  type TypedRow,
} from "../../lib/quickOrder";
import { useFormat } from "../../lib/useFormat";
import { usePageTitle } from "../../shell/usePageTitle";

const EMPTY_ROWS = 5;

/** A SKU field that suggests the customer's items as the buyer types (the catalog's search). */
function SkuInput({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }) {
  const [q] = useDebouncedValue(value.trim(), 250);
  const search = useCatalog({ q: q.length >= 2 ? q : undefined });
  const items = (q.length >= 2 ? (search.data?.pages[0]?.items ?? []) : []).slice(0, 8);
  const names = new Map(items.map((i) => [i.sku, i.name]));
  return (
    <Autocomplete
      aria-label={label}
      value={value}
      onChange={onChange}
      data={items.map((i) => i.sku)}
      renderOption={({ option }) => `${option.value} — ${names.get(option.value) ?? ""}`}
      filter={({ options }) => options}
      size="sm"
    />
  );
}

/** Dark enough for white text at AA contrast (Mantine's greens are not); yellow gets dark text. */
function statusColor(row: QuickRow): string {
  if (row.status === "ok") return "#1b5e20";
  if (row.status === "merged") return row.valid ? "#1c4f9c" : "#495057";
  if (row.status === "short_stock") return "yellow";
  return "#a51d1d";
}

export function QuickOrderPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("buying.quick.title"));
  const [mode, setMode] = useState<string | null>("type");
  const [rows, setRows] = useState<TypedRow[]>(() => Array.from({ length: EMPTY_ROWS }, () => ({ sku: "", quantity: "" })));
  const [pasted, setPasted] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const check = useQuickCheck();
  const add = useAddCartLines();
  const result: QuickOrderCheck | undefined = check.data;

  const problems = check.error instanceof ApiError && check.error.status === 422 ? (check.error.problem.errors ?? []) : [];
  const whole = wholeInputProblem(problems);
  const rowProblems = problems
    .map((p) => ({ at: rowOfField(p.field), p }))
    .filter((x): x is { at: NonNullable<ReturnType<typeof rowOfField>>; p: typeof x.p } => x.at !== null);

  const setRow = (i: number, patch: Partial<TypedRow>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function submit() {
    setLocalError(null);
    add.reset();
    let text = "";
    if (mode === "type") text = rowsToText(rows);
    if (mode === "paste") text = pasted;
    if (mode === "upload") {
      if (!file) return setLocalError(t("buying.quick.chooseFile"));
      if (file.size > MAX_TEXT_BYTES) return setLocalError(t("buying.quick.fileTooBig"));
      text = await file.text();
    }
    check.mutate({ text });
  }

  const problemOfTyped = (row: number, field: "sku" | "quantity") =>
    mode === "type" && rowProblems.some((x) => x.at.row === row && (x.at.field === field || x.at.field === "row"))
      ? t(`buying.quick.input.${field}`)
      : undefined;

  return (
    <Stack>
      <Title order={1}>{t("buying.quick.title")}</Title>
      <Text>{t("buying.quick.intro")}</Text>
      <Tabs value={mode} onChange={(m) => { setMode(m); check.reset(); }}>
        <Tabs.List>
          <Tabs.Tab value="type">{t("buying.quick.typeTab")}</Tabs.Tab>
          <Tabs.Tab value="paste">{t("buying.quick.pasteTab")}</Tabs.Tab>
          <Tabs.Tab value="upload">{t("buying.quick.uploadTab")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="type" pt="md">
          <Stack gap="xs">
            {rows.map((r, i) => (
              <Group key={i} align="flex-start" wrap="nowrap">
                <Text w={24} pt={6} size="sm" c="dimmed">{i + 1}</Text>
                <Stack gap={2} style={{ flex: 1 }}>
                  <SkuInput label={t("buying.quick.skuOfRow", { n: i + 1 })} value={r.sku} onChange={(sku) => setRow(i, { sku })} />
                  {problemOfTyped(i + 1, "sku") && <Text size="xs" c="red">{problemOfTyped(i + 1, "sku")}</Text>}
                </Stack>
                <Stack gap={2} w={110}>
                  <TextInput
                    aria-label={t("buying.quick.quantityOfRow", { n: i + 1 })}
                    inputMode="numeric"
                    value={r.quantity}
                    onChange={(e) => setRow(i, { quantity: e.currentTarget.value })}
                    size="sm"
                  />
                  {problemOfTyped(i + 1, "quantity") && <Text size="xs" c="red">{problemOfTyped(i + 1, "quantity")}</Text>}
                </Stack>
              </Group>
            ))}
            <Group>
              <Button variant="default" size="xs" onClick={() => setRows((rs) => [...rs, { sku: "", quantity: "" }])} disabled={rows.length >= 500}>
                {t("buying.quick.addRow")}
              </Button>
            </Group>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="paste" pt="md">
          <Textarea
            label={t("buying.quick.pasteLabel")}
            description={t("buying.quick.pasteHelp")}
            autosize
            minRows={6}
            maxRows={16}
            value={pasted}
            onChange={(e) => setPasted(e.currentTarget.value)}
            styles={{ input: { fontFamily: "monospace" } }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="upload" pt="md">
          <Stack gap="xs">
            <FileInput label={t("buying.quick.fileLabel")} description={t("buying.quick.fileHelp")} accept=".csv,text/csv,text/plain" value={file} onChange={setFile} />
            <Anchor href={`data:text/csv;charset=utf-8,${encodeURIComponent(SAMPLE_CSV)}`} download="quick-order-sample.csv" size="sm">
              {t("buying.quick.sample")}
            </Anchor>
          </Stack>
        </Tabs.Panel>
      </Tabs>
      <Group>
        <Button onClick={() => void submit()} loading={check.isPending}>
          {t("buying.quick.check")}
        </Button>
      </Group>
      {localError && <Alert color="red" role="alert">{localError}</Alert>}
      {check.isError && problems.length === 0 && <ProblemAlert error={check.error} />}
      {problems.length > 0 && (
        <Alert color="red" variant="light" role="alert" title={t("buying.quick.inputProblems")}>
          {whole && <Text>{t(`buying.quick.whole.${whole}`)}</Text>}
          {rowProblems.length > 0 && (
            <List size="sm">
              {rowProblems.map(({ at }) => (
                <List.Item key={`${at.row}-${at.field}`}>
                  {t("buying.quick.rowProblem", { row: at.row, problem: t(`buying.quick.input.${at.field}`) })}
                </List.Item>
              ))}
            </List>
          )}
          <Text size="sm" mt="xs">{t("buying.quick.nothingAdded")}</Text>
        </Alert>
      )}
      {result && (
        <section aria-labelledby="quick-results">
          <Title order={2} size="h3" id="quick-results">
            {t("buying.quick.results")}
          </Title>
          <Text role="status">{t("buying.quick.summary", { valid: result.valid_rows, problems: result.problem_rows })}</Text>
          <ScrollTable label={t("buying.quick.results")} minWidth={520}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("buying.quick.row")}</Table.Th>
                  <Table.Th>{t("cart.item")}</Table.Th>
                  <Table.Th ta="right">{t("cart.quantity")}</Table.Th>
                  <Table.Th ta="right">{t("cart.lineTotal")}</Table.Th>
                  <Table.Th>{t("buying.quick.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.rows.map((r) => (
                  <Table.Tr key={r.row}>
                    <Table.Td>{r.row}</Table.Td>
                    <Table.Td>
                      <Text fw={500}>{r.priced?.name ?? r.sku}</Text>
                      <Text size="xs" c="dimmed">{r.sku}</Text>
                    </Table.Td>
                    <Table.Td ta="right">{f.number(r.quantity)}</Table.Td>
                    <Table.Td ta="right">
                      {r.priced?.total && result.currency ? f.money(r.priced.total, result.currency) : "—"}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={statusColor(r)} variant="filled" autoContrast>
                        {t(`buying.quick.rowStatus.${r.status}`, { row: r.merged_into_row ?? "" })}
                      </Badge>
                      {r.status === "short_stock" && r.priced?.availability?.available_quantity != null && (
                        <Text size="xs">{t("buying.quick.available", { n: r.priced.availability.available_quantity })}</Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          {result.currency && <Text fw={700} ta="right">{t("cart.total", { amount: f.money(result.total, result.currency) })}</Text>}
          {add.isError && <ProblemAlert error={add.error} />}
          {add.isSuccess ? (
            <Alert color="green" role="status">
              {t("buying.quick.added", { count: result.valid_lines.length })}{" "}
              <Anchor component={Link} to="/cart">{t("buying.goToCart")}</Anchor>
            </Alert>
          ) : (
            <Button
              mt="sm"
              disabled={result.valid_lines.length === 0}
              loading={add.isPending}
              onClick={() =>
                add.mutate(result.valid_lines, {
                  onError: (e) => void notify({ title: t("errors.title"), message: problemMessage(e, t).text, color: "red" }),
                })
              }
            >
              {t("buying.quick.addValid", { count: result.valid_rows })}
            </Button>
          )}
        </section>
      )}
    </Stack>
  );
}
