import { useState, type ReactNode } from "react";
import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** A button that asks first, in a dialog (optionally with a reason). */
export function ConfirmButton({
  label,
  title,
  body,
  confirmLabel,
  withReason,
  loading,
  // Shade 9: white text on it (and red text on white) stays above WCAG AA contrast.
  color = "red.9",
  onConfirm,
}: {
  label: string;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  withReason?: boolean;
  loading?: boolean;
  color?: string;
  onConfirm: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  return (
    <>
      <Button color={color} variant="outline" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={title}
        centered
        // No fade: a dialog half-faded in is also half readable (and fails contrast checks).
        transitionProps={{ duration: 0 }}
        closeButtonProps={{ "aria-label": t("common.close") }}
      >
        <Stack>
          <Text>{body}</Text>
          {withReason && (
            <Textarea label={t("common.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t("common.back")}
            </Button>
            <Button
              color={color}
              loading={loading}
              onClick={() => {
                onConfirm(reason.trim());
                setOpen(false);
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
