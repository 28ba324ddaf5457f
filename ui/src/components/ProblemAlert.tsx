import { Alert, List } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";
import { problemMessage } from "../lib/problems";

/**
 * An API refusal in the user's language: the message for its code, and the lines or fields it
 * names. The API's own English `detail` is never shown as such.
 */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const msg = problemMessage(error, t);
  return (
    <Alert color="red" variant="light" title={title ?? t("errors.title")} role="alert">
      {msg.text}
      {msg.items.length > 0 && (
        <List size="sm" mt="xs">
          {msg.items.map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
