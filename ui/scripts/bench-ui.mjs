// make bench's `ui` part (infra/scripts/bench.sh runs it against a dev server seeded with the
// bench catalog). Writes into target/bench/results.json:
//   ui_storefront_js_gzip_kb    the JavaScript a visitor downloads before the catalog shows
//                               (gzip-compressed size, as a CDN serves it); the console's chunk
//                               must not be part of it
//   ui_catalog_first_render_ms  navigation to the first page of items on screen, for a logged-in
//                               customer (prices and stock of two warehouses), cold browser cache,
//                               median of BENCH_UI_RUNS runs (default 5)
import { chromium } from "@playwright/test";
import { gzipSync } from "node:zlib";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const base = process.env.UI_BASE_URL ?? "http://127.0.0.1:3121";
const runs = Math.max(1, Number(process.env.BENCH_UI_RUNS ?? 5));
const results = fileURLToPath(new URL("../../target/bench/results.json", import.meta.url));
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args });
const marked = (page) => page.waitForFunction(() => performance.getEntriesByName("catalog-items").length > 0, null, { timeout: 60_000 });
const markMs = (page) => page.evaluate(() => performance.getEntriesByName("catalog-items")[0].startTime);

// 1. What a visitor downloads before the catalog shows.
let jsGzip = 0;
const scripts = [];
{
  const context = await browser.newContext();
  const page = await context.newPage();
  const done = [];
  page.on("requestfinished", (request) => {
    if (request.resourceType() !== "script") return;
    const at = Date.now();
    done.push(
      request.response().then(async (res) => ({ url: request.url(), at, body: res ? await res.body() : Buffer.alloc(0) })),
    );
  });
  await page.goto(`${base}/catalog`);
  await marked(page);
  const shownAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName("catalog-items")[0].startTime);
  for (const s of await Promise.all(done)) {
    if (s.at > shownAt + 50) continue; // fetched after the catalog showed
    const gz = gzipSync(s.body).length;
    scripts.push({ url: new URL(s.url).pathname, gzip: gz });
    jsGzip += gz;
  }
  await context.close();
}
const consoleLoaded = scripts.filter((s) => /admin/i.test(s.url));
if (consoleLoaded.length) {
  console.error("the console's code was downloaded by a visitor of the catalog:", consoleLoaded);
  process.exitCode = 1;
}

// 2. Navigation to the first page of items, as a customer.
const login = await fetch(`${base}/v1/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: process.env.BENCH_UI_EMAIL ?? "buyer@acme.example", password: process.env.BENCH_UI_PASSWORD ?? "demo-password-1" }),
});
if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
const session = await login.json();
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  await context.addInitScript((s) => localStorage.setItem("b2b.session", JSON.stringify(s)), {
    token: session.token,
    expires_at: session.expires_at,
  });
  const page = await context.newPage();
  await page.goto(`${base}/catalog`);
  await marked(page);
  const count = await page.locator("article").count();
  const priced = await page.locator("article").first().innerText();
  if (count < Number(process.env.BENCH_UI_MIN_ITEMS ?? 24) || !/MX\$/.test(priced)) throw new Error(`expected a full page of priced items, saw ${count}: ${priced}`);
  times.push(await markMs(page));
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];

const figures = {
  ui_storefront_js_gzip_kb: Math.round((jsGzip / 1024) * 10) / 10,
  ui_storefront_js_files: scripts.length,
  ui_catalog_first_render_ms: Math.round(median),
  ui_catalog_first_render_ms_max: Math.round(times[times.length - 1]),
};
let all = {};
try {
  all = JSON.parse(readFileSync(results, "utf8"));
} catch {
  /* first figures */
}
mkdirSync(dirname(results), { recursive: true });
writeFileSync(results, JSON.stringify({ ...all, ...figures }, null, 2));
console.log("  JavaScript before the catalog shows (gzip):");
for (const s of scripts) console.log(`    ${(s.gzip / 1024).toFixed(1).padStart(6)} KB  ${s.url}`);
for (const [k, v] of Object.entries(figures)) console.log(`  ${k} = ${v}`);
console.log(`  (render times over ${runs} runs: ${times.map((t) => Math.round(t)).join(", ")} ms)`);
console.log(`  merged into ${results}`);
