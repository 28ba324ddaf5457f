// The storefront journeys of issue 9, each through the browser only (data set up through the
// API where a journey needs it), with axe on every page visited.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { test, expect, expectAccessible, invitationLink, logIn, uid } from "./fixtures";

/** A page of the app, once its main heading shows, checked by axe. */
async function visit(page: Page, path: string, heading: string | RegExp) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expectAccessible(page, path);
}

const card = (page: Page, name: string) => page.getByRole("article", { name });

test("journey 1: an invited contact sets a password from the email link and sees announcements and credit", async ({ page, portal, request }) => {
  const run = uid();
  const shop = await portal.shop({
    items: [{ name: `Welcome kit ${run}`, brand: "Acme", price: "10.00", stock: { 0: 5 } }],
    creditLimit: "25000.00",
    tags: [`t${run.toLowerCase()}`],
  });
  await portal.announce(`Holiday hours ${run}`, "We close on the 24th at noon.", { tags: [`t${run.toLowerCase()}`] });
  const email = `new-${run.toLowerCase()}@example.com`;
  await portal.addContact(shop.id, email, "Nadia Nueva");
  await portal.invite(shop.id, email);

  const link = await invitationLink(request, email);
  const url = new URL(link);
  expect(url.pathname).toBe("/set-password");
  await page.goto(url.pathname + url.search);
  await expect(page.getByRole("heading", { level: 1, name: "Choose your password" })).toBeVisible();
  await expectAccessible(page, "set-password");
  await page.getByLabel("Password").fill("a-long-password-1");
  await page.getByRole("button", { name: "Save the password and log in" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Nadia Nueva" })).toBeVisible();
  await expect(page.getByText(`Holiday hours ${run}`)).toBeVisible();
  await expect(page.getByText("We close on the 24th at noon.")).toBeVisible();
  const credit = page.getByRole("region", { name: "Your credit" });
  await expect(credit.getByText("Available credit")).toBeVisible();
  await expect(credit.getByText("MX$25,000.00").first()).toBeVisible();
  await expectAccessible(page, "home");

  // The link is single use.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto(url.pathname + url.search);
  await page.getByLabel("Password").fill("another-password-2");
  await page.getByRole("button", { name: "Save the password and log in" }).click();
  await expect(page.getByRole("alert")).toContainText("The password was not saved");
});

test("journey 2: search, filter, three items in the cart, another warehouse, a double-clicked order makes one order; a cancel gives the stock back", async ({ page, portal }) => {
  const shop = await portal.shop({
    items: [
      { name: "Hammer drill 500 W", brand: "Bosch", price: "1250.00", stock: { 0: 40, 1: 12 } },
      { name: "Impact drill 750 W", brand: "Makita", price: "1890.00", stock: { 0: 15, 1: 9 } },
      { name: "Cordless drill 18 V", brand: "Makita", price: "2100.00", stock: { 0: 6, 1: 6 } },
      { name: "Wood screws 4x40", brand: "Fischer", price: "89.50", stock: { 0: 500, 1: 20 }, type: "Fasteners" },
    ],
  });
  const buyer = await portal.contact(shop.id);
  const cordless = shop.items[2]!;
  const screws = shop.items[3]!;
  await logIn(page, buyer.email, buyer.password);

  await visit(page, "/catalog", "Catalog");
  await page.getByLabel("Search").fill("drill");
  await expect(card(page, "Hammer drill 500 W")).toBeVisible();
  await expect(card(page, "Wood screws 4x40")).toHaveCount(0);
  await page.getByLabel("Search").fill("");
  await expect(card(page, "Wood screws 4x40")).toBeVisible();
  // Facets with counts; filter by type.
  await page.getByRole("button", { name: `${cordless.type} (3)` }).click();
  await expect(page.getByRole("button", { name: `${cordless.type} (3)` })).toHaveAttribute("aria-pressed", "true");
  await expect(card(page, "Wood screws 4x40")).toHaveCount(0);
  await expect(card(page, "Cordless drill 18 V")).toBeVisible();
  await expect(card(page, "Hammer drill 500 W").getByText("MX$1,250.00")).toBeVisible();
  await expect(card(page, "Hammer drill 500 W").getByText("52 available")).toBeVisible();
  await expectAccessible(page, "catalog filtered");
  for (const name of ["Hammer drill 500 W", "Impact drill 750 W", "Cordless drill 18 V"]) {
    await card(page, name).getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByText(`1 × ${name} added to the cart`)).toBeVisible();
  }

  await page.getByRole("link", { name: "Cart" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cart" })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(4);
  await page.getByLabel("Warehouse").selectOption(shop.warehouses[1]!);
  await expect(page.getByLabel("Warehouse")).toHaveValue(shop.warehouses[1]!);
  await expect(page.getByText("Total: MX$6,078.40")).toBeVisible();
  await expectAccessible(page, "cart");
  await page.getByRole("button", { name: "Place order" }).dblclick();

  await expect(page.getByRole("heading", { level: 1, name: /^Order / })).toBeVisible();
  await expect(page.getByText("Placed", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(`Warehouse ${shop.warehouses[1]}`, { exact: false })).toBeVisible();
  await expectAccessible(page, "order");
  await page.getByRole("link", { name: "Orders", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(2); // the header and the one order
  await expectAccessible(page, "orders");

  // Another order (made through the API), cancelled in the browser: its stock comes back.
  const token = await portal.login(buyer.email, buyer.password);
  const other = await portal.placeOrder(token, shop.warehouses[0]!, [{ sku: screws.sku, quantity: 100 }]);
  await visit(page, `/catalog/${screws.sku}`, "Wood screws 4x40");
  const northRow = page.getByRole("row", { name: new RegExp(`North`) });
  await expect(northRow).toContainText("400");
  await visit(page, `/orders/${other.id}`, /^Order /);
  await page.getByRole("button", { name: "Cancel order" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, "cancel dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByText("Cancelled", { exact: true }).first()).toBeVisible();
  await visit(page, `/catalog/${screws.sku}`, "Wood screws 4x40");
  await expect(page.getByRole("row", { name: /North/ })).toContainText("500");
});

test("journey 3: an order over the credit is refused naming the credit; a short line is refused naming the line", async ({ page, portal }) => {
  const poor = await portal.shop({
    items: [{ name: "Paint bucket 19 L", brand: "Comex", price: "1580.00", stock: { 0: 30 } }],
    creditLimit: "2000.00",
  });
  const buyer = await portal.contact(poor.id);
  await logIn(page, buyer.email, buyer.password);
  await visit(page, "/catalog", "Catalog");
  const bucket = card(page, "Paint bucket 19 L");
  await bucket.getByLabel("Quantity of Paint bucket 19 L").fill("2");
  await bucket.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("2 × Paint bucket 19 L added to the cart")).toBeVisible();
  await page.getByRole("link", { name: "Cart" }).click();
  await page.getByRole("button", { name: "Place order" }).click();
  const refusal = page.getByRole("alert", { name: "The order was not placed" });
  await expect(refusal).toContainText("The order was not placed");
  await expect(refusal).toContainText("exceeds your available credit");
  await expect(page.getByText("The order total is MX$3,665.60; your available credit is MX$2,000.00.")).toBeVisible();
  await expectAccessible(page, "credit refusal");

  // A short line: the cart names it before, the refusal names it after.
  const short = await portal.shop({
    items: [{ name: "Circular saw 185 mm", brand: "Makita", price: "2450.00", stock: { 0: 3 } }],
  });
  const buyer2 = await portal.contact(short.id);
  const saw = short.items[0]!;
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, buyer2.email, buyer2.password);
  await visit(page, `/catalog/${saw.sku}`, "Circular saw 185 mm");
  await page.getByLabel("Quantity of Circular saw 185 mm").fill("5");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("5 × Circular saw 185 mm added to the cart")).toBeVisible();
  await page.getByRole("link", { name: "Cart" }).click();
  await expect(page.getByText("Not enough stock in this warehouse: only 3 available.")).toBeVisible();
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("alert", { name: "The order was not placed" })).toContainText(
    `${saw.sku}: you asked for 5, only 3 available`,
  );
  await expectAccessible(page, "stock refusal");
});

test("journey 4: a visitor browses the B2B catalog without prices or availability and requests an account", async ({ page }) => {
  await visit(page, "/catalog", "Catalog");
  await expect(page.getByRole("article").first()).toBeVisible();
  const text = await page.locator("main").innerText();
  expect(text).not.toMatch(/MX\$|\$\s?\d|available|In stock|Out of stock/);
  await expect(page.getByRole("button", { name: "Add to cart" })).toHaveCount(0);
  const first = page.getByRole("article").first().getByRole("link");
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await page.locator("main").innerText()).not.toMatch(/MX\$|Your price|Availability/);
  await expectAccessible(page, "item as visitor");

  await page.getByRole("link", { name: "Log in" }).click();
  await page.getByRole("link", { name: /Request one/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Request an account" })).toBeVisible();
  await expectAccessible(page, "request form");
  const run = uid().toLowerCase();
  await page.getByLabel("Company").fill(`Ferretería ${run}`);
  await page.getByLabel("Tax ID").fill(`TAX${run}`);
  await page.getByLabel("Your name").fill("Lucía Ramos");
  await page.getByLabel("Email").fill(`lucia-${run}@example.com`);
  await page.getByLabel("Phone").fill("+52 33 5555 0199");
  await page.getByLabel("Address").fill("Av. Vallarta 10, Guadalajara");
  await page.getByLabel("Message (optional)").fill("We want to buy wholesale");
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Request received" })).toBeVisible();
  await expect(page.getByText("Your request is waiting for approval")).toBeVisible();
  await expectAccessible(page, "request sent");
});

test("journey 5: a quote is requested, answered by staff and accepted into an order", async ({ page, portal }) => {
  const shop = await portal.shop({
    items: [{ name: "Safety gloves L", brand: "Truper", price: "48.00", stock: { 0: 900 } }],
  });
  const gloves = shop.items[0]!;
  const buyer = await portal.contact(shop.id);
  await logIn(page, buyer.email, buyer.password);
  await visit(page, `/catalog/${gloves.sku}`, "Safety gloves L");
  await page.getByLabel("Quantity of Safety gloves L").fill("200");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("200 × Safety gloves L added to the cart")).toBeVisible();
  await page.getByRole("link", { name: "Cart" }).click();
  await page.getByLabel("Note for the seller (optional)").fill("Price for 200 pairs?");
  await page.getByRole("button", { name: "Request quote" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Quote / })).toBeVisible();
  await expect(page.getByText("The seller has not answered yet.")).toBeVisible();
  await expectAccessible(page, "quote requested");
  const quoteId = decodeURIComponent(page.url().split("/quotes/")[1] ?? "");

  await portal.answerQuote(quoteId, [{ sku: gloves.sku, unit_price: "40.00" }], "Deal for 200 pairs");
  await page.getByRole("link", { name: "Quotes" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Quotes" })).toBeVisible();
  await expect(page.getByText("Answered")).toBeVisible();
  await expectAccessible(page, "quotes");
  await page.getByRole("link", { name: /…/ }).first().click();
  await expect(page.getByText("The seller's message: Deal for 200 pairs")).toBeVisible();
  await expect(page.getByText("Total: MX$9,280.00")).toBeVisible();
  await page.getByRole("button", { name: "Accept quote" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Order / })).toBeVisible();
  await expect(page.getByText("Total: MX$9,280.00")).toBeVisible();
  await expect(page.getByText("Placed", { exact: true }).first()).toBeVisible();
  await expectAccessible(page, "order from quote");
});

test("journey 6: a document's PDF downloads and the statement shows its totals", async ({ page, portal }) => {
  const shop = await portal.shop({ items: [{ name: "Anchor 8 mm", brand: "Fischer", price: "64.00", stock: { 0: 10 } }] });
  const buyer = await portal.contact(shop.id);
  const run = uid();
  const today = new Date().toISOString().slice(0, 10);
  const past = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
  const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const doc = (n: string, issued: string, due: string, total: string, paid: string) => ({
    erp_key: `${run}-${n}`,
    version: 1,
    kind: "invoice",
    number: `F-${run}-${n}`,
    customer_id: shop.id,
    issued_on: issued,
    due_on: due,
    currency: "MXN",
    subtotal: (Number(total) / 1.16).toFixed(2),
    tax: (Number(total) - Number(total) / 1.16).toFixed(2),
    total,
    paid,
    lines: [{ description: "Anchors", quantity: "1", unit_price: (Number(total) / 1.16).toFixed(2), total: (Number(total) / 1.16).toFixed(2) }],
  });
  await portal.erp("/v1/erp/documents", {
    records: [doc("1", past, past, "1160.00", "160.00"), doc("2", today, later, "580.00", "0"), doc("3", past, past, "232.00", "232.00")],
  });
  await logIn(page, buyer.email, buyer.password);
  // The ERP batch is applied by the worker: wait until the documents are there.
  await expect(async () => {
    await page.goto("/documents");
    await expect(page.getByRole("cell", { name: `F-${run}-1`, exact: true })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1, name: "Documents" })).toBeVisible();
  await expectAccessible(page, "documents");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: `Download PDF F-${run}-1` }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`F-${run}-1.pdf`);
  const path = await file.path();
  expect(readFileSync(path).subarray(0, 5).toString()).toBe("%PDF-");

  await page.getByRole("link", { name: "Statement" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Statement" })).toBeVisible();
  const figure = (label: string) => page.getByText(label, { exact: true }).locator("..");
  await expect(figure("Paid")).toContainText("MX$392.00");
  await expect(figure("Unpaid")).toContainText("MX$1,580.00");
  await expect(figure("Overdue")).toContainText("MX$1,000.00");
  await expect(figure("Not yet due")).toContainText("MX$580.00");
  await expect(figure("Available credit")).toContainText("MX$98,420.00");
  await expectAccessible(page, "statement");
});

// English messages that a translation must replace (the static parts of those that differ).
function englishLeft(lng: string): string[] {
  const load = (l: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../src/i18n/locales/${l}.json`, import.meta.url)), "utf8")) as Record<string, unknown>;
  const flat = (o: Record<string, unknown>, p = ""): [string, string][] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? [[`${p}${k}`, v] as [string, string]] : flat(v as Record<string, unknown>, `${p}${k}.`)));
  const other = new Map(flat(load(lng)));
  const translated = [...other.values()];
  return flat(load("en"))
    .filter(([k, v]) => other.get(k) !== v)
    .flatMap(([, v]) => v.split(/\{\{\w+\}\}/).map((s) => s.trim()))
    .filter((s) => s.length >= 5 && /[a-z]{3}/.test(s))
    // A word both languages share ("Catalog" in Romanian too) is no English left over.
    .filter((s) => !translated.some((t) => t.includes(s)));
}

for (const [lng, label, heading] of [
  ["es", "Español", "Catálogo"],
  ["pt-BR", "Português (Brasil)", "Catálogo"],
  ["ro", "Română", "Catalog produse"],
] as const) {
  test(`journey 7: switching to ${lng} translates the interface`, async ({ page, portal }) => {
    const shop = await portal.shop({ items: [{ name: "Tornillo 4x40", brand: "Fischer", price: "89.50", stock: { 0: 5 } }] });
    const buyer = await portal.contact(shop.id);
    const token = await portal.login(buyer.email, buyer.password);
    await portal.placeOrder(token, shop.warehouses[0]!, [{ sku: shop.items[0]!.sku, quantity: 1 }]);
    await logIn(page, buyer.email, buyer.password);
    await page.getByLabel("Language").selectOption({ label });
    await expect(page.locator("html")).toHaveAttribute("lang", lng);
    const english = englishLeft(lng);
    for (const path of ["/", "/catalog", `/catalog/${shop.items[0]!.sku}`, "/cart", "/orders", "/quotes", "/documents", "/statement"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByRole("progressbar")).toHaveCount(0);
      const text = await page.locator("body").innerText();
      const left = english.filter((s) => text.includes(s));
      expect(left, `English left on ${path} in ${lng}`).toEqual([]);
      await expectAccessible(page, `${path} in ${lng}`);
    }
    await page.goto("/catalog");
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    // The choice is kept.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  });
}

test("journey 8: the catalog, the cart and checkout work 390 px wide", async ({ page, portal }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const shop = await portal.shop({ items: [{ name: "Paint roller 9 in", brand: "Truper", price: "120.00", stock: { 0: 50 } }] });
  const buyer = await portal.contact(shop.id);
  await logIn(page, buyer.email, buyer.password);
  const noSideScroll = async () =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await visit(page, "/catalog", "Catalog");
  await noSideScroll();
  await card(page, "Paint roller 9 in").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("1 × Paint roller 9 in added to the cart")).toBeVisible();
  // The sections are behind the menu button on a phone.
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Orders" })).toBeVisible();
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("link", { name: "Cart" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cart" })).toBeVisible();
  await noSideScroll();
  await expectAccessible(page, "cart at 390px");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Order / })).toBeVisible();
  await noSideScroll();
  await expectAccessible(page, "order at 390px");
});

test("journey 9: another customer's order URL shows the not-found page", async ({ page, portal }) => {
  const a = await portal.shop({ items: [{ name: "Drill A", brand: "Bosch", price: "10.00", stock: { 0: 5 } }] });
  const b = await portal.shop({ items: [{ name: "Drill B", brand: "Bosch", price: "10.00", stock: { 0: 5 } }] });
  const buyerA = await portal.contact(a.id);
  const buyerB = await portal.contact(b.id);
  const order = await portal.placeOrder(await portal.login(buyerA.email, buyerA.password), a.warehouses[0]!, [
    { sku: a.items[0]!.sku, quantity: 1 },
  ]);
  await logIn(page, buyerB.email, buyerB.password);
  await visit(page, `/orders/${order.id}`, "Page not found");
  await expect(page.getByText("Drill A")).toHaveCount(0);
  // Its own orders stay reachable; an unknown path is not found too.
  await visit(page, "/no-such-page", "Page not found");
});

test("staff acting as a customer see the banner on every page, with the way back to the console", async ({ page, portal }) => {
  const customerName = `Acting ${uid()}`;
  const shop = await portal.shop({ items: [{ name: "Level 60 cm", brand: "Stanley", price: "300.00", stock: { 0: 5 } }], customerName });
  const acting = await portal.impersonate(shop.id);
  await logIn(page, "admin@example.com", "demo-password-1");
  await page.evaluate((s) => {
    sessionStorage.setItem("b2b.acting-as", JSON.stringify(s));
  }, { token: acting.token, expires_at: acting.expires_at });
  for (const [path, heading] of [
    ["/", /^Welcome/],
    ["/catalog", "Catalog"],
    ["/cart", "Cart"],
    ["/orders", "Orders"],
  ] as const) {
    await visit(page, path, heading);
    await expect(page.getByRole("status").filter({ hasText: "you are acting as" })).toContainText("Acting");
  }
  await expect(card(page, "Level 60 cm")).toHaveCount(0); // not on the orders page
  await page.goto("/catalog");
  await expect(card(page, "Level 60 cm").getByText("MX$300.00")).toBeVisible();
  await page.getByRole("button", { name: "Back to the console" }).click();
  // Back in the console, on the page of the customer acted as.
  await expect(page.getByRole("heading", { level: 1, name: customerName })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "you are acting as" })).toHaveCount(0);
});
