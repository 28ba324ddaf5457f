import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type AccountRequestBody = components["schemas"]["NewAccountRequest"];

/** F1: a visitor asks for an account (202, pending approval). */
export function useRequestAccount() {
  return useMutation({
    mutationFn: (body: AccountRequestBody) => unwrap(api.POST("/v1/account-requests", { body })),
  });
}
