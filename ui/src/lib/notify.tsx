// Toasts (Mantine notifications), loaded on first use: most visits show none, and the catalog
// should not wait for them.
import { lazy, Suspense, useEffect, useState } from "react";
import i18n from "../i18n";

const Notifications = lazy(async () => ({ default: (await import("@mantine/notifications")).Notifications }));

let mount: (() => void) | null = null;

export type Toast = { message: string; title?: string; color?: string };

export async function notify(toast: Toast) {
  mount?.();
  const { notifications } = await import("@mantine/notifications");
  notifications.show({ ...toast, closeButtonProps: { "aria-label": i18n.t("common.close") } });
}

/** Renders the toasts once the first one is asked for. */
export function NotificationsHost() {
  const [on, setOn] = useState(false);
  useEffect(() => {
    mount = () => setOn(true);
    return () => {
      mount = null;
    };
  }, []);
  return on ? (
    <Suspense fallback={null}>
      <Notifications position="top-right" containerWidth={340} />
    </Suspense>
  ) : null;
}
