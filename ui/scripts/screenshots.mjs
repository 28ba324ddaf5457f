// make screenshots: PNGs of the storefront for the README (docs/screenshots/), taken in chromium
// from a running dev server with the demo data (make dev; SCREENSHOT_BASE_URL, default
// http://localhost:${API_PORT:-3000}). Logs in as the demo buyer; puts two items in the cart and,
// when the buyer has no order yet, places one (demo data only).
import { chromium } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const base = process.env.SCREENSHOT_BASE_URL ?? `http://localhost:${process.env.API_PORT ?? 3000}`;
const out = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
mkdirSync(out, { recursive: true });

async function api(method, path, token, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

const session = await api("POST", "/v1/auth/login", null, { email: "buyer@acme.example", password: "demo-password-1" });
const orders = await api("GET", "/v1/orders", session.token);
let orderId = orders.items[0]?.id;
if (!orderId) {
  const order = await api("POST", "/v1/orders", session.token, { lines: [{ sku: "SCR-4X40", quantity: 12 }, { sku: "GLV-L", quantity: 20 }] }, { "idempotency-key": `screenshots-${Date.now()}` });
  orderId = order.id;
}
await api("PUT", "/v1/cart", session.token, { lines: [{ sku: "DRL-500", quantity: 2 }, { sku: "PNT-W19", quantity: 3 }] });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const shots = [
  ["catalog", "/catalog", { width: 1280, height: 800 }],
  ["item", "/catalog/SCR-4X40", { width: 1280, height: 800 }],
  ["cart", "/cart", { width: 1280, height: 800 }],
  ["order", `/orders/${orderId}`, { width: 1280, height: 900 }],
  ["home", "/", { width: 1280, height: 800 }],
  ["catalog-phone", "/catalog", { width: 390, height: 844 }],
];
for (const [name, path, viewport] of shots) {
  const context = await browser.newContext({ viewport, locale: "en-US" });
  await context.addInitScript((s) => {
    localStorage.setItem("b2b.session", JSON.stringify(s));
    localStorage.setItem("b2b.language", "en");
  }, { token: session.token, expires_at: session.expires_at });
  const page = await context.newPage();
  await page.goto(`${base}${path}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: `${out}${name}.png` });
  console.log(`docs/screenshots/${name}.png`);
  await context.close();
}
await browser.close();
