// Staff users (F8), announcements (F13), settings (F33) and the ERP sync (F31-F32).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type StaffUser = components["schemas"]["StaffUser"];
export type Announcement = components["schemas"]["Announcement"];
export type NewAnnouncement = components["schemas"]["NewAnnouncement"];
export type Settings = components["schemas"]["Settings"];
export type SyncRun = components["schemas"]["SyncRun"];
export type DeadLetter = components["schemas"]["DeadLetter"];

export function useStaffUsers(enabled = true) {
  return useQuery({
    queryKey: ["admin", "staff"],
    queryFn: () => unwrap(api.GET("/v1/admin/staff", { params: { query: { limit: 100 } } })),
    enabled,
  });
}

export function useCreateStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["NewStaffUser"]) => unwrap(api.POST("/v1/admin/staff", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "staff"] }),
  });
}

export function useUpdateStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: components["schemas"]["StaffPatch"] }) =>
      unwrap(api.PATCH("/v1/admin/staff/{id}", { params: { path: { id } }, body: patch })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "staff"] }),
  });
}

export function useAnnouncements() {
  return useQuery({
    queryKey: ["admin", "announcements"],
    queryFn: () => unwrap(api.GET("/v1/admin/announcements", { params: { query: { limit: 100 } } })),
  });
}

export function useCreateAnnouncement() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NewAnnouncement) => unwrap(api.POST("/v1/admin/announcements", { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "announcements"] }),
  });
}

export function useDeleteAnnouncement() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/admin/announcements/{id}", { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "announcements"] }),
  });
}

export function useSettings() {
  return useQuery({
    queryKey: ["admin", "settings"],
    queryFn: () => unwrap(api.GET("/v1/admin/settings")),
  });
}

export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Settings) => unwrap(api.PUT("/v1/admin/settings", { body })),
    onSuccess: (s) => qc.setQueryData(["admin", "settings"], s),
  });
}

export function useSyncRuns(enabled = true) {
  return useQuery({
    queryKey: ["admin", "sync", "runs"],
    queryFn: () => unwrap(api.GET("/v1/admin/sync/runs", { params: { query: { limit: 20 } } })),
    enabled,
    // A run started here finishes in the background: look again while one is under way.
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === "queued" || r.status === "running") ? 2000 : false,
  });
}

export function useSyncNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/admin/sync/run")),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "sync", "runs"] }),
  });
}

export function useDeadLetters(enabled = true) {
  return useQuery({
    queryKey: ["admin", "sync", "dead-letters"],
    queryFn: () => unwrap(api.GET("/v1/admin/sync/dead-letters")),
    enabled,
  });
}

export function useReplay() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) =>
      unwrap(api.POST("/v1/admin/sync/dead-letters/replay", { body: ids ? { message_ids: ids } : {} })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "sync", "dead-letters"] }),
  });
}
