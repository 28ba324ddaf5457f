import { useState } from "react";
import { Button, Modal, NativeSelect, Stack, Textarea, TextInput } from "@mantine/core";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { usePlaceOrderFor, type Customer } from "../api/customers";
import { parseLines } from "../parse";


/**
 * An order placed by staff for the customer, with every check an order has; one
 * Idempotency-Key per attempt (the dialog), so a double click makes one order.
 */
export function PlaceOrderFor({ c }: { c: Customer }) {
  const { t } = useTranslation("admin");
  const navigate = useNavigate();
  const place = usePlaceOrderFor(c.id);
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState("");
  const [warehouse, setWarehouse] = useState(c.default_warehouse_id ?? c.warehouse_ids?.[0] ?? "");
  const [lines, setLines] = useState("");
  const [note, setNote] = useState("");
  const [bad, setBad] = useState(false);
  return (
    <>
      <Button
        variant="outline"
        onClick={() => {
          setKey(crypto.randomUUID());
          setOpen(true);
        }}
      >
        {t("placeFor.open")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("placeFor.title", { name: c.name })} centered size="lg">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = parseLines(lines);
            setBad(parsed === null);
            if (!parsed) return;
            place.mutate(
              { key, body: { warehouse_id: warehouse || null, lines: parsed, note: note.trim() || null } },
              { onSuccess: (o) => void navigate(`/admin/orders/${encodeURIComponent(o.id)}`) },
            );
          }}
        >
          <Stack>
            <NativeSelect
              label={t("placeFor.warehouse")}
              value={warehouse}
              onChange={(e) => setWarehouse(e.currentTarget.value)}
              data={(c.warehouse_ids ?? []).map((w) => ({ value: w, label: w }))}
            />
            <Textarea
              label={t("placeFor.lines")}
              description={t("placeFor.linesHelp")}
              required
              autosize
              minRows={4}
              value={lines}
              error={bad ? t("placeFor.badLines") : undefined}
              onChange={(e) => setLines(e.currentTarget.value)}
            />
            <TextInput label={t("placeFor.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <ProblemAlert error={place.error} />
            <Button type="submit" loading={place.isPending}>
              {t("placeFor.submit")}
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
