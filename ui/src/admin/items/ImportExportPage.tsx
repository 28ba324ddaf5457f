import { useState } from "react";
import { Alert, Button, Group, NativeSelect, Paper, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { downloadExport, useImportFile, usePriceLists, type FileKind, type ImportProblem } from "../api/catalog";
import { PageHeader, Section } from "../common";

const KINDS: FileKind[] = ["items", "prices", "stock"];

function RowReport({ problem }: { problem: ImportProblem }) {
  const { t } = useTranslation("admin");
  return (
    <Alert color="red" variant="light" title={t("import.rejected", { count: problem.error_count })} role="alert">
      <Text mb="xs">{t("import.nothingApplied")}</Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("import.row")}</Table.Th>
            <Table.Th>{t("import.field")}</Table.Th>
            <Table.Th>{t("import.reason")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {problem.errors.map((e) => (
            <Table.Tr key={`${e.row}-${e.field}`}>
              <Table.Td>{e.row}</Table.Td>
              <Table.Td>{e.field}</Table.Td>
              <Table.Td>{e.reason}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Alert>
  );
}

function ImportForm() {
  const { t } = useTranslation("admin");
  const imp = useImportFile();
  const [kind, setKind] = useState<FileKind>("items");
  const [file, setFile] = useState<File | null>(null);
  const rowProblem =
    imp.error instanceof ApiError && Array.isArray(imp.error.problem.errors) && imp.error.problem.errors.some((e) => "row" in e)
      ? (imp.error.problem as unknown as ImportProblem)
      : null;
  return (
    <Section title={t("import.title")}>
      <Text size="sm">{t(`import.columns.${kind}`)}</Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (file) imp.mutate({ kind, file });
        }}
      >
        <Group align="flex-end">
          <NativeSelect
            label={t("import.kind")}
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as FileKind)}
            data={KINDS.map((k) => ({ value: k, label: t(`import.kinds.${k}`) }))}
          />
          <Stack gap={4}>
            <label htmlFor="import-file" style={{ fontSize: 14, fontWeight: 500 }}>
              {t("import.file")}
            </label>
            <input
              id="import-file"
              type="file"
              accept=".csv,.json,text/csv,application/json"
              required
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                imp.reset();
              }}
            />
          </Stack>
          <Button type="submit" loading={imp.isPending} disabled={!file}>
            {t("import.submit")}
          </Button>
        </Group>
      </form>
      {imp.data && (
        <Paper withBorder p="sm" role="status">
          <Text fw={600}>{t("import.applied")}</Text>
          <Text>
            {t("import.report", {
              rows: imp.data.rows,
              created: imp.data.created,
              updated: imp.data.updated,
              unchanged: imp.data.unchanged,
            })}
          </Text>
        </Paper>
      )}
      {rowProblem ? <RowReport problem={rowProblem} /> : <ProblemAlert error={imp.error} />}
    </Section>
  );
}

function ExportForm() {
  const { t } = useTranslation("admin");
  const priceLists = usePriceLists();
  const [kind, setKind] = useState<FileKind>("items");
  const [format, setFormat] = useState<"csv" | "json">("csv");
  const [priceList, setPriceList] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Section title={t("export.title")}>
      <Group align="flex-end">
        <NativeSelect
          label={t("import.kind")}
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as FileKind)}
          data={KINDS.map((k) => ({ value: k, label: t(`import.kinds.${k}`) }))}
        />
        <NativeSelect
          label={t("export.format")}
          value={format}
          onChange={(e) => setFormat(e.currentTarget.value as "csv" | "json")}
          data={[
            { value: "csv", label: "CSV" },
            { value: "json", label: "JSON" },
          ]}
        />
        {kind === "prices" && (
          <NativeSelect
            label={t("customer.priceList")}
            value={priceList}
            onChange={(e) => setPriceList(e.currentTarget.value)}
            data={[{ value: "", label: t("common.any") }, ...(priceLists.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))]}
          />
        )}
        <Button
          variant="outline"
          loading={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            downloadExport(kind, format, kind === "prices" ? priceList || undefined : undefined)
              .catch(setError)
              .finally(() => setBusy(false));
          }}
        >
          {t("export.submit")}
        </Button>
      </Group>
      <ProblemAlert error={error} />
    </Section>
  );
}

/** F20: import with the per-row report (nothing half-applied), and export. */
export function ImportExportPage() {
  const { t } = useTranslation("admin");
  return (
    <Stack gap="xl">
      <PageHeader title={t("import.pageTitle")} />
      <ImportForm />
      <ExportForm />
    </Stack>
  );
}
