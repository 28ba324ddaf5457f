// Helpers of the console's browser journeys (next to fixtures.ts, the one set-up module): staff
// users made through the API, a message put in the ERP dead-letter queue of this run (moto's SQS),
// and the check that a translated page shows no English message left.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { MOTO_URL, uid, type PortalApi } from "./fixtures";

export const STAFF_PASSWORD = "a-long-password-1";

/** An agent (own login), optionally assigned to customers. */
export async function agent(portal: PortalApi, customers: string[] = []) {
  const email = `agent-${uid().toLowerCase()}@example.com`;
  const name = `Agent ${uid()}`;
  const staff = await portal.call<{ id: string }>("POST", "/v1/admin/staff", { email, name, role: "agent", password: STAFF_PASSWORD });
  for (const c of customers) await portal.call("PATCH", `/v1/admin/customers/${c}`, { agent_id: staff.id });
  return { id: staff.id, email, name, password: STAFF_PASSWORD };
}

async function sqs(request: APIRequestContext, form: Record<string, string>): Promise<string> {
  // moto serves every service on one port and tells them apart by the credential scope.
  const res = await request.post(`${MOTO_URL}/`, {
    form: { Version: "2012-11-05", ...form },
    headers: { authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0" },
  });
  const text = await res.text();
  expect(res.ok(), `SQS ${form.Action}: ${text}`).toBeTruthy();
  return text;
}

/**
 * A message in the `erp-sync` DLQ of the dev server under test (its queues are named after its
 * table, which ui-test.sh passes in UI_TEST_TABLE; /v1/health names no resource): a pull of a
 * sync run that does not exist.
 */
export async function deadLetter(request: APIRequestContext): Promise<string> {
  const table = process.env.UI_TEST_TABLE ?? "";
  expect(table, "UI_TEST_TABLE (set by infra/scripts/ui-test.sh)").not.toBe("");
  const answer = await sqs(request, { Action: "GetQueueUrl", QueueName: `${table}-erp-sync-dlq` });
  const queueUrl = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(answer)?.[1] ?? "";
  expect(queueUrl, "the DLQ of this run").not.toBe("");
  const runId = `RUN-GONE-${uid()}`;
  await sqs(request, { Action: "SendMessage", QueueUrl: queueUrl, MessageBody: JSON.stringify({ erp_sync: "pull", run_id: runId }) });
  return runId;
}

type Tree = { [k: string]: string | Tree };
function flatten(tree: Tree, prefix = "", out = new Map<string, string>()) {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}
function messages(lng: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of ["src/i18n/locales", "src/admin/locales"]) {
    for (const [k, v] of flatten(JSON.parse(readFileSync(join(process.cwd(), dir, `${lng}.json`), "utf8")) as Tree)) {
      out.set(`${dir}:${k}`, v);
    }
  }
  return out;
}

/**
 * No English message is left on the page in `lng`: every text, label and accessible name that
 * equals an English message (one that reads differently in `lng`) is reported.
 */
export async function expectNoEnglish(page: Page, lng: string) {
  const en = messages("en");
  const other = messages(lng);
  // A word that is also a message of `lng` ("Total" in es) is not English left over.
  const translated = new Set([...other.values()].map((v) => v.trim()));
  const english = new Set<string>();
  for (const [k, v] of en) {
    if (!v.includes("{{") && v.trim().length >= 4 && other.get(k) !== v && !translated.has(v.trim())) english.add(v.trim());
  }
  const seen = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const s = n.textContent?.trim();
      if (s) out.push(s);
    }
    for (const el of Array.from(document.querySelectorAll("[aria-label], [title], [placeholder]"))) {
      for (const a of ["aria-label", "title", "placeholder"]) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    }
    return out;
  });
  expect(
    [...new Set(seen.filter((s) => english.has(s)))],
    `English left on ${page.url()} in ${lng}`,
  ).toEqual([]);
}
