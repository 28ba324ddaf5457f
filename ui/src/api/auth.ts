import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";
import { clearSession, saveSession } from "../auth/session";

export type Session = components["schemas"]["Session"];

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      unwrap(api.POST("/v1/auth/login", { body })),
    onSuccess: (s) => {
      qc.clear();
      saveSession({ token: s.token, expires_at: s.expires_at });
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return async () => {
    // The API ends this session for good (POST /v1/auth/logout), so a copied token stops working
    // too; the browser forgets it even when the API cannot be reached.
    try {
      await api.POST("/v1/auth/logout");
    } catch {
      // Offline: the token still expires on its own.
    }
    clearSession();
    qc.clear();
  };
}

export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      unwrap(api.POST("/v1/auth/invitations/accept", { body })),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (body: { email: string }) => unwrap(api.POST("/v1/auth/password-reset", { body })),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      unwrap(api.POST("/v1/auth/password-reset/confirm", { body })),
  });
}
