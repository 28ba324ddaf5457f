import { Alert, Button, Group, Text } from "@mantine/core";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { useAuth } from "../auth/useAuth";
import { stopActingAs } from "../auth/session";

/**
 * F9: while staff act as a customer, every page says so, with the way back to the console
 * (which ends the customer session in this tab and returns to the staff's own).
 */
export function ImpersonationBanner() {
  const { t } = useTranslation();
  const auth = useAuth();
  const navigate = useNavigate();
  const qc = useQueryClient();
  if (!auth.impersonatedBy) return null;
  const customer = auth.me?.customer?.name ?? "";
  const customerId = auth.me?.customer?.id;
  return (
    <Alert color="orange" variant="filled" mb="md" role="status" aria-live="polite">
      <Group justify="space-between" wrap="wrap">
        <Text fw={600} c="black">
          {t("impersonation.banner", { staff: auth.impersonatedBy.name, customer })}
        </Text>
        <Button
          size="xs"
          color="dark"
          onClick={() => {
            stopActingAs();
            qc.clear();
            navigate(customerId ? `/admin/customers/${encodeURIComponent(customerId)}` : "/admin");
          }}
        >
          {t("impersonation.back")}
        </Button>
      </Group>
    </Alert>
  );
}
