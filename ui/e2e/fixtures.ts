// The one set-up helper of the browser tests: data made through the admin API (as staff would
// in the console), invitation links read from moto's SES store, and the accessibility check run
// on every page a journey visits. Journeys then drive the pages by their accessible names only.
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const DEMO_PASSWORD = "demo-password-1";
export const ADMIN = "admin@example.com";
export const MOTO_URL = process.env.MOTO_URL ?? "http://127.0.0.1:5010";
export const ERP_API_KEY = process.env.ERP_API_KEY ?? "";

/** A short unique suffix: every journey makes its own customers, items and warehouses. */
export function uid(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

type Json = Record<string, unknown>;

export type DemoItem = {
  sku: string;
  name: string;
  type: string;
  brand: string;
  price: string;
  stock: Record<string, number>;
  tiers?: { min_quantity: number; unit_price: string }[];
};

export type ItemSpec = Omit<DemoItem, "type" | "sku"> & { type?: string; sku?: string };

export type Shop = {
  id: string;
  priceList: string;
  warehouses: string[];
  types: string[];
  items: DemoItem[];
};

export class PortalApi {
  constructor(
    private readonly request: APIRequestContext,
    private readonly adminToken: string,
  ) {}

  async call<T = Json>(method: string, path: string, body?: unknown, token = this.adminToken, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.request.fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      data: body === undefined ? undefined : body,
    });
    const text = await res.text();
    if (!res.ok()) throw new Error(`${method} ${path} answered ${res.status()}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * A catalog of its own (warehouses, a price list, items of types named after the run) and a
   * ready customer that may buy only those types, so that journeys never see each other's data.
   */
  async shop(opts: {
    items: ItemSpec[];
    warehouses?: string[];
    creditLimit?: string;
    language?: string;
    customerName?: string;
    tags?: string[];
  }): Promise<Shop> {
    const run = uid();
    const warehouses = (opts.warehouses ?? ["N", "S"]).map((w) => `${w}${run}`.slice(0, 20));
    for (const [i, id] of warehouses.entries()) {
      await this.call("POST", "/v1/admin/warehouses", {
        id,
        name: `${i === 0 ? "North" : "South"} ${run}`,
        address: "Av. Test 1",
      });
    }
    const priceList = `PL${run}`;
    await this.call("POST", "/v1/admin/price-lists", { id: priceList, name: `List ${run}`, currency: "MXN" });
    const items: DemoItem[] = [];
    for (const [i, it] of opts.items.entries()) {
      const item: DemoItem = {
        ...it,
        sku: it.sku ?? `T${run}-${i + 1}`,
        type: `${it.type ?? "Tools"} ${run}`,
      };
      await this.call("POST", "/v1/admin/items", {
        sku: item.sku,
        name: item.name,
        item_type: item.type,
        brand: item.brand,
        unit: "piece",
        tax_rate: "0.16",
        description: `${item.name} by ${item.brand}`,
      });
      for (const [w, qty] of Object.entries(item.stock)) {
        const wh = warehouses[Number(w)] ?? w;
        await this.call("PUT", `/v1/admin/stock/${wh}/${encodeURIComponent(item.sku)}`, { on_hand: qty });
      }
      items.push(item);
    }
    await this.call("PUT", `/v1/admin/price-lists/${priceList}/prices`, {
      prices: items.map((i) => ({ sku: i.sku, unit_price: i.price, ...(i.tiers ? { tiers: i.tiers } : {}) })),
    });
    const types = [...new Set(items.map((i) => i.type))];
    const customer = await this.call<{ id: string }>("POST", "/v1/admin/customers", {
      name: opts.customerName ?? `Shop ${run}`,
      tax_id: `TAX${run}`,
      email: `shop-${run.toLowerCase()}@example.com`,
      phone: "+52 81 5555 0199",
      language: opts.language ?? "en",
      addresses: [
        { kind: "both", is_default: true, line1: "Calle 1", city: "Monterrey", state: "NL", postal_code: "64000", country: "MX" },
      ],
      shipping_method: "Courier",
      credit: { terms: "CREDIT", credit_days: 30, limit: opts.creditLimit ?? "100000.00", currency: "MXN" },
      price_list_id: priceList,
      warehouse_ids: warehouses,
      default_warehouse_id: warehouses[0],
      catalog_access: { mode: "types", types },
      tags: opts.tags ?? [],
    });
    return { id: customer.id, priceList, warehouses, types, items };
  }

  async addContact(customerId: string, email: string, name = "Test Buyer", permissions?: Json) {
    await this.call("POST", `/v1/admin/customers/${customerId}/contacts`, {
      email,
      name,
      department: "Purchasing",
      phone: "+52 81 5555 0188",
      ...(permissions ? { permissions } : {}),
    });
  }

  /** Creates the contact's access: the invitation email goes out through the queue. */
  async invite(customerId: string, email: string) {
    await this.call("POST", `/v1/admin/customers/${customerId}/contacts/${encodeURIComponent(email)}/access`, {
      action: "create",
    });
  }

  /** A contact with an active access and `password`, through the real invitation. */
  async contact(customerId: string, password = "a-long-password-1", name = "Test Buyer"): Promise<{ email: string; password: string }> {
    const email = `buyer-${uid().toLowerCase()}@example.com`;
    await this.addContact(customerId, email, name);
    await this.invite(customerId, email);
    const link = await invitationLink(this.request, email);
    const token = new URL(link).searchParams.get("token") ?? "";
    await this.call("POST", "/v1/auth/invitations/accept", { token, password }, "");
    return { email, password };
  }

  async login(email: string, password: string): Promise<string> {
    const s = await this.call<{ token: string }>("POST", "/v1/auth/login", { email, password }, "");
    return s.token;
  }

  async announce(title: string, body: string, audience: unknown = "all") {
    const now = Date.now();
    return this.call("POST", "/v1/admin/announcements", {
      title,
      body,
      audience,
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 86_400_000).toISOString(),
    });
  }

  /** Places an order as the contact (for journeys that need one already there). */
  async placeOrder(token: string, warehouseId: string, lines: { sku: string; quantity: number }[]) {
    return this.call<{ id: string }>("POST", "/v1/orders", { warehouse_id: warehouseId, lines }, token, {
      "idempotency-key": `fixture-${uid()}`,
    });
  }

  async answerQuote(quoteId: string, lines: Json[], note = "Special price") {
    const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    return this.call("POST", `/v1/admin/quotes/${quoteId}/answer`, { lines, valid_until: validUntil, note });
  }

  /** A customer-scoped session for staff acting as the customer (F9). */
  async impersonate(customerId: string): Promise<{ token: string; expires_at: string }> {
    return this.call("POST", `/v1/admin/customers/${customerId}/impersonate`);
  }

  async erp(path: string, body: unknown) {
    return this.call("POST", path, body, "", { "x-api-key": ERP_API_KEY });
  }
}

/** The latest invitation (or reset) link sent to `email`, read from moto's SES store. */
export async function invitationLink(request: APIRequestContext, email: string, after = 0): Promise<string> {
  let link = "";
  await expect
    .poll(
      async () => {
        const res = await request.get(`${MOTO_URL}/moto-api/data.json`);
        const data = (await res.json()) as { ses?: { Message?: Record<string, { destinations: { ToAddresses: string[] }; body: string }> | { destinations: { ToAddresses: string[] }; body: string }[] } };
        const raw = data.ses?.Message ?? [];
        const all = Array.isArray(raw) ? raw : Object.values(raw);
        const mine = all.filter((m) => m.destinations.ToAddresses.includes(email)).slice(after);
        const last = mine[mine.length - 1];
        const m = last && /href="([^"]*(?:set-password|reset-password)\?token=[^"]+)"/.exec(last.body);
        link = m?.[1]?.replace(/&amp;/g, "&") ?? "";
        return link;
      },
      // The email goes through the outbox, the bus, the queue and the dev server's poller.
      { message: `an email with a link to ${email}`, timeout: 90_000 },
    )
    .not.toBe("");
  return link;
}

/** Axe on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, what = page.url()) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
    `accessibility of ${what}`,
  ).toEqual([]);
}

/** Logs in through the login page. */
export async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log in" })).toHaveCount(0);
}

export const test = base.extend<{ portal: PortalApi }>({
  portal: async ({ playwright, baseURL }, use) => {
    const request = await playwright.request.newContext({ baseURL });
    const res = await request.post("/v1/auth/login", { data: { email: ADMIN, password: DEMO_PASSWORD } });
    expect(res.ok(), "the demo admin logs in").toBeTruthy();
    const { token } = (await res.json()) as { token: string };
    await use(new PortalApi(request, token));
    await request.dispose();
  },
});

export { expect };
