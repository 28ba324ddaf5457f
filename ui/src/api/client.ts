// The one API client: typed by the generated OpenAPI schema (schema.d.ts, `make ui-types`),
// carrying the session's bearer token, and turning every error answer into an ApiError.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { clearSession, currentToken } from "../auth/session";

/** One field's problem, as the API's problem+json `errors` list names it. */
export type FieldProblem = { field: string; reason: string; [k: string]: unknown };

/** An RFC 9457 problem as the API sends it. */
export type Problem = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[];
  [k: string]: unknown;
};

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  /** The problem of one field (`lines[2].quantity`, `email`...), if the API named it. */
  field(name: string): FieldProblem | undefined {
    return this.problem.errors?.find((e) => e.field === name);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    // A session the API no longer accepts (expired, revoked): forget it, so the app asks to log
    // in again. A failed login is a 401 too, but it carries no token.
    if (response.status === 401 && request.headers.has("authorization")) clearSession();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

/** The data of an openapi-fetch answer, or an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const problem: Problem =
    error && typeof error === "object" ? (error as Problem) : { title: response.statusText };
  throw new ApiError(response.status, problem);
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}
