import { useSyncExternalStore } from "react";
import { currentToken, isActingAsCustomer, onSessionChange } from "./session";
import { useMe } from "../api/me";

/** The token of this tab (re-renders on login, logout and acting as a customer). */
export function useToken(): string | null {
  return useSyncExternalStore(onSessionChange, currentToken, () => null);
}

export function useActingAsCustomer(): boolean {
  return useSyncExternalStore(onSessionChange, isActingAsCustomer, () => false);
}

/**
 * Who is using the app: a visitor (no token), a contact (or staff acting as a customer: a
 * customer-scoped principal with `impersonated_by`), or staff.
 */
export function useAuth() {
  const token = useToken();
  const me = useMe(token);
  const principal = me.data?.principal;
  return {
    token,
    me: me.data,
    loading: token !== null && me.isPending,
    isVisitor: token === null,
    isCustomer: principal?.kind === "contact",
    isStaff: principal?.kind === "staff",
    impersonatedBy: principal?.impersonated_by ?? null,
    permissions: principal?.permissions,
  };
}
