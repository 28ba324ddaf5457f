import { useState } from "react";
import { Button, Group, NativeSelect, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ScrollTable } from "../components/ScrollTable";
import { downloadPdf, useDocumentPages } from "../api/documents";
import { useFormat } from "../lib/useFormat";
import { usePageTitle } from "../shell/usePageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { ProblemAlert } from "../components/ProblemAlert";
import { Loading } from "../auth/guards";

const KINDS = ["invoice", "proforma", "receipt"] as const;

/** F27: invoices, proformas and receipts, each downloadable as a PDF. */
export function DocumentsPage() {
  const { t } = useTranslation();
  usePageTitle(t("documents.title"));
  const f = useFormat();
  const [kind, setKind] = useState("");
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const pages = useDocumentPages(kind || undefined);
  const docs = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1}>{t("documents.title")}</Title>
      <NativeSelect
        label={t("documents.kind")}
        maw={240}
        value={kind}
        onChange={(e) => setKind(e.currentTarget.value)}
        data={[{ value: "", label: t("documents.allKinds") }, ...KINDS.map((k) => ({ value: k, label: t(`documents.kinds.${k}`) }))]}
      />
      {pages.isPending && <Loading />}
      {pages.isError && <ProblemAlert error={pages.error} />}
      {downloadError !== null && <ProblemAlert error={downloadError} />}
      {pages.isSuccess && docs.length === 0 && <Text>{t("documents.none")}</Text>}
      {docs.length > 0 && (
        <ScrollTable label={t("documents.title")} minWidth={360}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("documents.number")}</Table.Th>
                <Table.Th>{t("documents.kind")}</Table.Th>
                <Table.Th>{t("documents.issued")}</Table.Th>
                <Table.Th>{t("documents.due")}</Table.Th>
                <Table.Th ta="right">{t("orders.total")}</Table.Th>
                <Table.Th ta="right">{t("documents.balance")}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">{t("documents.pdf")}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {docs.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.number}</Table.Td>
                  <Table.Td>
                    {t(`documents.kinds.${d.kind}`)}
                    {d.status === "cancelled" && (
                      <>
                        {" "}
                        <StatusBadge status="cancelled" />
                      </>
                    )}
                  </Table.Td>
                  <Table.Td>{f.date(d.issued_on)}</Table.Td>
                  <Table.Td>{d.due_on ? f.date(d.due_on) : "—"}</Table.Td>
                  <Table.Td ta="right">{f.money(d.total, d.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(d.balance, d.currency)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="outline"
                      loading={downloading === d.id}
                      aria-label={t("documents.download", { number: d.number })}
                      onClick={() => {
                        setDownloadError(null);
                        setDownloading(d.id);
                        downloadPdf(d.id, `${d.number}.pdf`)
                          .catch(setDownloadError)
                          .finally(() => setDownloading(null));
                      }}
                    >
                      PDF
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {pages.hasNextPage && (
        <Group justify="center">
          <Button variant="outline" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {t("catalog.loadMore")}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
