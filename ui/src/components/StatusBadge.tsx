import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

const COLORS: Record<string, string> = {
  placed: "blue",
  claimed: "violet",
  fulfilled: "green",
  cancelled: "gray",
  expired: "gray",
  requested: "blue",
  answered: "violet",
  accepted: "green",
  paid: "green",
  unpaid: "orange",
  overdue: "red",
};

/** An order, quote or document status, translated; dark filled colors keep AA contrast. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status] ?? "gray"} variant="filled" autoContrast>
      {t(`status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
