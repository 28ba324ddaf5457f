import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { Center, Loader } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useAuth } from "./useAuth";
import { NotFoundPage } from "../pages/NotFoundPage";

export function Loading() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      {/* role="status": an aria-label needs a role to be allowed (axe aria-prohibited-attr). */}
      <Loader role="status" aria-label={t("common.loading")} />
    </Center>
  );
}

/**
 * Only for a logged-in principal of `kind` (a contact, or staff acting as a customer, for the
 * storefront; staff for the console). A visitor is sent to the login page and brought back; the
 * other kind sees the not-found page, as the API answers 404 to what is not theirs.
 */
export function RequireAuth({ kind, children }: { kind: "contact" | "staff"; children?: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (auth.isVisitor) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (auth.loading || !auth.me) return <Loading />;
  const ok = kind === "staff" ? auth.isStaff : auth.isCustomer;
  if (!ok) return <NotFoundPage />;
  return <>{children ?? <Outlet />}</>;
}
