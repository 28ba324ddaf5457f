import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type Me = components["schemas"]["Me"];

/** `GET /v1/me`, per token (a login or an impersonation starts a fresh one). */
export function useMe(token: string | null) {
  return useQuery({
    queryKey: ["me", token],
    queryFn: () => unwrap(api.GET("/v1/me")),
    enabled: token !== null,
    staleTime: 30_000,
  });
}
