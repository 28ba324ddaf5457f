// Customers and everything on the customer page (F3-F12): one data-hooks module over the
// admin customer routes.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { startActingAs } from "../../auth/session";

export type Customer = components["schemas"]["Customer"];
export type CustomerPatch = components["schemas"]["CustomerPatch"];
export type CustomerStatus = components["schemas"]["CustomerStatus"];
export type Contact = components["schemas"]["Contact"];
export type AccessAction = components["schemas"]["AccessAction"];
export type AccessOutcome = components["schemas"]["AccessOutcome"];
export type NewContact = components["schemas"]["NewContact"];
export type Readiness = components["schemas"]["Readiness"];

export type CustomerFilters = { status?: string; tag?: string; q?: string; agent?: string };

export function useCustomerPages(f: CustomerFilters) {
  const query = {
    status: f.status || undefined,
    tag: f.tag || undefined,
    q: f.q || undefined,
    agent: f.agent || undefined,
  };
  return useInfiniteQuery({
    queryKey: ["admin", "customers", query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/admin/customers", { params: { query: { ...query, cursor: pageParam, limit: "50" } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useCustomer(id: string) {
  return useQuery({
    queryKey: ["admin", "customer", id],
    queryFn: () => unwrap(api.GET("/v1/admin/customers/{id}", { params: { path: { id } } })),
  });
}

export function useReadiness(id: string) {
  return useQuery({
    queryKey: ["admin", "customer", id, "readiness"],
    queryFn: () => unwrap(api.GET("/v1/admin/customers/{id}/readiness", { params: { path: { id } } })),
  });
}

function useInvalidateCustomer(id: string) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ["admin", "customer", id] });
    void qc.invalidateQueries({ queryKey: ["admin", "customers"] });
  };
}

export function useUpdateCustomer(id: string) {
  const done = useInvalidateCustomer(id);
  return useMutation({
    mutationFn: (body: CustomerPatch) =>
      unwrap(api.PATCH("/v1/admin/customers/{id}", { params: { path: { id } }, body })),
    onSuccess: done,
  });
}

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["NewCustomer"]) => unwrap(api.POST("/v1/admin/customers", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "customers"] }),
  });
}

/** F4: the API applies the rules (e.g. no inactivation while contacts have access). */
export function useChangeStatus(id: string) {
  const done = useInvalidateCustomer(id);
  return useMutation({
    mutationFn: (status: CustomerStatus) =>
      unwrap(api.POST("/v1/admin/customers/{id}/status", { params: { path: { id } }, body: { status } })),
    onSuccess: done,
  });
}

export function useContacts(id: string) {
  return useQuery({
    queryKey: ["admin", "customer", id, "contacts"],
    queryFn: () => unwrap(api.GET("/v1/admin/customers/{id}/contacts", { params: { path: { id } } })),
  });
}

export function useAddContact(id: string) {
  const done = useInvalidateCustomer(id);
  return useMutation({
    mutationFn: (body: NewContact) =>
      unwrap(api.POST("/v1/admin/customers/{id}/contacts", { params: { path: { id } }, body })),
    onSuccess: done,
  });
}

/** F6-F7: create, resend, block or unblock one email's access; the answer carries the WhatsApp link. */
export function useContactAccess(id: string) {
  const done = useInvalidateCustomer(id);
  return useMutation({
    mutationFn: ({ email, action }: { email: string; action: AccessAction }) =>
      unwrap(
        api.POST("/v1/admin/customers/{id}/contacts/{email}/access", {
          params: { path: { id, email } },
          body: { action },
        }),
      ),
    onSuccess: done,
  });
}

export function useActivity(id: string) {
  return useInfiniteQuery({
    queryKey: ["admin", "customer", id, "activity"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/admin/customers/{id}/activity", { params: { path: { id }, query: { cursor: pageParam, limit: 20 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: ["admin", "customer", id, "timeline"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/admin/customers/{id}/timeline", { params: { path: { id }, query: { cursor: pageParam, limit: 20 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useAddNote(id: string) {
  const done = useInvalidateCustomer(id);
  return useMutation({
    mutationFn: (body: components["schemas"]["NewNote"]) =>
      unwrap(api.POST("/v1/admin/customers/{id}/timeline", { params: { path: { id } }, body })),
    onSuccess: done,
  });
}

/** F12: the email is queued and logged on the timeline. */
export function useEmailCustomer(id: string) {
  const done = useInvalidateCustomer(id);
  return useMutation({
    mutationFn: (body: components["schemas"]["EmailRequest"]) =>
      unwrap(api.POST("/v1/admin/customers/{id}/emails", { params: { path: { id } }, body })),
    onSuccess: done,
  });
}

export function useCustomerPrices(id: string) {
  return useQuery({
    queryKey: ["admin", "customer", id, "prices"],
    queryFn: () => unwrap(api.GET("/v1/admin/customers/{id}/prices", { params: { path: { id }, query: { limit: 100 } } })),
  });
}

/** Places an order for the customer, with every check of an order; one key per attempt. */
export function usePlaceOrderFor(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ key, body }: { key: string; body: components["schemas"]["PlaceOrderRequest"] }) =>
      unwrap(
        api.POST("/v1/admin/customers/{id}/orders", {
          params: { path: { id }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "orders"] }),
  });
}

/**
 * F9: a customer-scoped token marked as impersonated, kept for this tab only; the storefront
 * then shows the banner on every page.
 */
export function useActAsCustomer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/admin/customers/{id}/impersonate", { params: { path: { id } } })),
    onSuccess: (s) => {
      qc.clear();
      startActingAs({ token: s.token, expires_at: s.expires_at });
    },
  });
}

export function usePutCustomerPrices(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prices: components["schemas"]["CustomerPriceRowInput"][]) =>
      unwrap(api.PUT("/v1/admin/customers/{id}/prices", { params: { path: { id } }, body: { prices } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "customer", id, "prices"] }),
  });
}

/** F39: a customer's orders waiting for its managers' approval. */
export function usePendingApprovals(id: string) {
  return useQuery({
    queryKey: ["admin", "customer", id, "approvals"],
    queryFn: () => unwrap(api.GET("/v1/admin/customers/{id}/approvals", { params: { path: { id } } })),
  });
}
