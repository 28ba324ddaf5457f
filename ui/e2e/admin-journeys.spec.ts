// The staff console's journeys (issue 10), driven through the pages by their accessible names;
// data that a journey only needs to exist is made through the API (fixtures.ts), and axe runs on
// every console page visited.
import { test, expect, expectAccessible, invitationLink, logIn, uid, ADMIN, DEMO_PASSWORD } from "./fixtures";
import { agent, deadLetter, expectNoEnglish } from "./admin-helpers";

const item = (name: string, price: string, stock: Record<string, number> = { 0: 50 }) => ({ name, brand: "Acme", price, stock });

test("journey 1: a request is approved, made ready, invited over email and WhatsApp; the contact sets a password", async ({ page, portal, browser, request }) => {
  test.slow(); // many pages on a small shared machine
  // A price list and warehouses to make the new customer ready with.
  const shop = await portal.shop({ items: [item("Ready hammer", "10.00")] });
  const run = uid();
  const company = `Ferretería ${run}`;
  const email = `lucia-${run.toLowerCase()}@sur.example`;

  await page.goto("/request-account");
  await page.getByLabel("Company").fill(company);
  await page.getByLabel("Tax ID").fill(`FSU${run}`.slice(0, 20));
  await page.getByLabel("Your name").fill("Lucía Ramos");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Phone").fill("+52 33 5555 0199");
  await page.getByLabel("Address").fill("Av. Vallarta 10, Guadalajara");
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByRole("heading", { name: "Request received" })).toBeVisible();

  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto("/admin/account-requests");
  const row = page.getByRole("row", { name: new RegExp(company) });
  await expect(row).toBeVisible();
  await expectAccessible(page, "account requests");
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(row).toHaveCount(0);

  await page.getByRole("link", { name: "Customers" }).click();
  await page.getByRole("searchbox", { name: "Search customers" }).fill(run);
  await page.getByRole("link", { name: company }).click();
  await expect(page.getByRole("heading", { level: 1, name: company })).toBeVisible();
  await expect(page.getByText("Not ready yet: complete what is missing below.")).toBeVisible();
  await expectAccessible(page, "customer page (not ready)");

  await page.getByLabel("Price list").selectOption(shop.priceList);
  await page.getByLabel("Payment terms").selectOption("CREDIT");
  await page.getByLabel("Credit days").fill("30");
  await page.getByLabel("Credit limit").fill("20000.00");
  await page.getByLabel("Currency").fill("MXN");
  await page.getByRole("checkbox", { name: new RegExp(`\\(${shop.warehouses[0]}\\)`) }).check();
  await page.getByLabel("Shipping method").fill("Paquetería");
  await page.getByRole("button", { name: "Save the profile" }).click();
  await expect(page.getByText("Ready: contacts can be invited and the customer can order.")).toBeVisible();

  const contact = page.getByRole("row", { name: new RegExp(email) });
  await contact.getByRole("button", { name: "Create access" }).click();
  const whatsapp = page.getByRole("link", { name: "Send the invitation on WhatsApp" });
  await expect(whatsapp).toHaveAttribute("href", /^https:\/\/wa\.me\/\d+\?text=/);
  await expect(contact.getByText("Invited")).toBeVisible();
  await expectAccessible(page, "customer page (ready, invited)");

  // The contact, in a browser of their own, opens the link from the email.
  const link = await invitationLink(request, email);
  const ctx = await browser.newContext();
  const lucia = await ctx.newPage();
  await lucia.goto(link);
  expect(new URL(lucia.url()).pathname).toBe("/set-password");
  await lucia.getByLabel("Password").fill("a-long-password-1");
  await lucia.getByRole("button", { name: "Save the password and log in" }).click();
  await expect(lucia.getByRole("heading", { level: 1, name: "Welcome, Lucía Ramos" })).toBeVisible();
  await ctx.close();

  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(email) }).getByText("Active")).toBeVisible();
});

test("journey 2: a buyer orders in the storefront; an admin claims and fulfils it; the buyer sees the status", async ({ page, portal, browser }) => {
  test.slow(); // many pages on a small shared machine
  const shop = await portal.shop({ items: [item("Claimable drill", "250.00")] });
  const buyer = await portal.contact(shop.id, "a-long-password-1", "Bruno Buyer");

  const ctx = await browser.newContext();
  const b = await ctx.newPage();
  await logIn(b, buyer.email, buyer.password);
  // The customer may buy only this shop's items: the catalog shows this one item.
  await b.goto("/catalog");
  await b.getByRole("article", { name: "Claimable drill" }).getByRole("button", { name: "Add to cart" }).click();
  await b.getByRole("link", { name: "Cart" }).click();
  await b.getByRole("button", { name: "Place order" }).click();
  await expect(b).toHaveURL(/\/orders\/[^/]+$/);
  const orderId = decodeURIComponent(new URL(b.url()).pathname.split("/").pop() ?? "");

  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto("/admin/orders?status=placed");
  await expectAccessible(page, "orders list");
  await page.goto(`/admin/orders/${encodeURIComponent(orderId)}`);
  await expect(page.getByText(`Claimable drill`)).toBeVisible();
  await expectAccessible(page, "order page");
  await page.getByRole("button", { name: "Claim" }).click();
  await expect(page.getByRole("button", { name: "Fulfil" })).toBeVisible();
  await page.getByRole("button", { name: "Fulfil" }).click();
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  await expect(page.getByText("Fulfilled").first()).toBeVisible();

  await b.reload();
  await expect(b.getByText("Fulfilled").first()).toBeVisible();
  await ctx.close();
});

test("journey 3: staff act as a customer: the banner on every page, the customer's prices, the activity report", async ({ page, portal }) => {
  const shop = await portal.shop({ items: [item("Impersonated saw", "123.45")], customerName: `Acting ${uid()}` });
  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto(`/admin/customers/${shop.id}`);
  await page.getByRole("button", { name: "Act as customer" }).click();
  const banner = page.getByText(/you are acting as Acting /);
  await expect(banner).toBeVisible();
  await page.getByRole("link", { name: "Catalog" }).first().click();
  await expect(banner).toBeVisible();
  await expect(page.getByText("Impersonated saw")).toBeVisible();
  await expect(page.getByText(/123\.45/).first()).toBeVisible();
  await page.getByRole("link", { name: "Cart" }).click();
  await expect(banner).toBeVisible();
  await page.getByRole("button", { name: "Back to the console" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/customers/${shop.id}$`));
  const activity = page.getByRole("region", { name: "Activity report" });
  await expect(activity.getByText("Staff started acting as the customer")).toBeVisible();
  await expect(activity.getByText(/acting as the customer/).last()).toBeVisible();
  await expectAccessible(page, "customer page (activity)");
});

test("journey 4: an import with a bad row applies nothing and says which row; a good file applies; the export downloads", async ({ page, portal }) => {
  const run = uid();
  const good = `I${run}-1`;
  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto("/admin/import");
  await expectAccessible(page, "import");
  const file = (body: string) => ({ name: "items.csv", mimeType: "text/csv", buffer: Buffer.from(body) });
  await page.getByLabel("What").first().selectOption("items");
  await page.getByLabel("File (CSV or JSON)").setInputFiles(
    file(`sku,name,item_type,unit,tax_rate\n${good},Good nail,Nails ${run},piece,0.16\nI${run}-2,Bad nail,Nails ${run},piece,abc\n`),
  );
  await page.getByRole("button", { name: "Import" }).click();
  const report = page.getByRole("alert").filter({ hasText: "Bad rows: 1" });
  await expect(report).toBeVisible();
  await expect(report.getByText("Nothing of the file was applied.", { exact: false })).toBeVisible();
  // The API numbers the data rows from 1: the bad one is the second.
  await expect(report.getByRole("row", { name: /tax_rate/ }).getByRole("cell").first()).toHaveText("2");
  await expectAccessible(page, "import (row report)");
  await expect(portal.call("GET", `/v1/admin/items/${good}`)).rejects.toThrow(/404/);

  await page.getByLabel("File (CSV or JSON)").setInputFiles(
    file(`sku,name,item_type,unit,tax_rate\n${good},Good nail,Nails ${run},piece,0.16\nI${run}-2,Fixed nail,Nails ${run},piece,0.16\n`),
  );
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByText("2 rows: 2 created, 0 updated, 0 unchanged.")).toBeVisible();
  expect(await portal.call<{ name: string }>("GET", `/v1/admin/items/${good}`)).toMatchObject({ name: "Good nail" });

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export" }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/\.csv$/);
  const path = await saved.path();
  const { readFileSync } = await import("node:fs");
  expect(readFileSync(path, "utf8")).toContain(good);
});

test("journey 5: an agent sees only its customers and their orders, and no admin-only control", async ({ page, portal }) => {
  test.slow(); // many pages on a small shared machine
  const mine = await portal.shop({ items: [item("Agent item", "5.00")], customerName: `Mine ${uid()}` });
  const other = await portal.shop({ items: [item("Other item", "5.00")], customerName: `Other ${uid()}` });
  const a = await agent(portal, [mine.id]);
  for (const shop of [mine, other]) {
    const buyer = await portal.contact(shop.id);
    const token = await portal.login(buyer.email, buyer.password);
    await portal.placeOrder(token, shop.warehouses[0]!, [{ sku: shop.items[0]!.sku, quantity: 1 }]);
  }
  await portal.call("POST", "/v1/account-requests", {
    company: `Pending ${uid()}`, tax_id: `P${uid()}`, contact_name: "Pat", email: `pat-${uid().toLowerCase()}@example.com`,
    phone: "+52 81 5555 0100", address: "Calle 2", language: "en",
  }, "");

  await logIn(page, a.email, a.password);
  await expect(page.getByRole("heading", { level: 1, name: "Staff console" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Customers" })).toBeVisible();
  for (const adminOnly of ["Staff users", "Settings", "ERP sync", "Import and export", "Price lists", "Warehouses"]) {
    await expect(nav.getByRole("link", { name: adminOnly })).toHaveCount(0);
  }
  await expectAccessible(page, "agent dashboard");

  await nav.getByRole("link", { name: "Customers" }).click();
  await expect(page.getByRole("link", { name: /^Mine / })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Other / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New customer" })).toHaveCount(0);
  await expect(page.getByLabel("Agent")).toHaveCount(0);
  await expectAccessible(page, "agent customers");

  await nav.getByRole("link", { name: "Orders" }).click();
  await expect(page.getByRole("link", { name: /^Mine / }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: /^Other / })).toHaveCount(0);

  await page.goto(`/admin/customers/${mine.id}`);
  await expect(page.getByRole("button", { name: "Act as customer" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Status" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Block the customer" })).toHaveCount(0);
  await expect(page.getByLabel("Agent")).toHaveCount(0);
  await expectAccessible(page, "agent customer page");

  await page.goto("/admin/account-requests");
  await expect(page.getByRole("row", { name: /Pending / }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Reject" })).toHaveCount(0);

  await page.goto(`/admin/customers/${other.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});

test("journey 6: sync now adds a run with its counts to the history; a dead letter is replayed", async ({ page, request }) => {
  const runId = await deadLetter(request);
  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto("/admin/erp");
  await page.getByRole("button", { name: "Sync now" }).click();
  const runs = page.getByRole("region", { name: "Run history" });
  const newest = runs.getByRole("row").nth(1);
  await expect(newest).toContainText("By hand");
  await expect(newest).toContainText(/Succeeded|Failed/, { timeout: 60_000 });
  await expect(newest).toContainText(/received|No changes/);
  await expectAccessible(page, "ERP sync");

  const dead = page.getByRole("region", { name: "Dead letters" });
  const row = dead.getByRole("row", { name: new RegExp(runId) });
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Replay" }).click();
  await expect(dead.getByText("Messages sent back to the queue: 1")).toBeVisible();
  await expect(dead.getByRole("row", { name: new RegExp(runId) })).toHaveCount(0);
});

test("journey 7: an announcement for a tag shows to a customer with that tag and not to another", async ({ page, portal, browser }) => {
  test.slow(); // many pages on a small shared machine
  const tag = `t${uid().toLowerCase()}`;
  const tagged = await portal.shop({ items: [item("Tagged item", "5.00")], tags: [tag] });
  const plain = await portal.shop({ items: [item("Plain item", "5.00")] });
  const title = `Offer for ${tag}`;
  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto("/admin/announcements");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Message").fill("Ten percent off this week.");
  await page.getByLabel("Shown to").selectOption("tags");
  await page.getByLabel("Tags").fill(tag);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("row", { name: new RegExp(title) })).toContainText(`Customers tagged ${tag}`);
  await expectAccessible(page, "announcements");

  for (const [shop, shown] of [[tagged, true], [plain, false]] as const) {
    const buyer = await portal.contact(shop.id);
    const ctx = await browser.newContext();
    const b = await ctx.newPage();
    await logIn(b, buyer.email, buyer.password);
    await expect(b.getByRole("heading", { level: 1, name: /Welcome/ })).toBeVisible();
    if (shown) await expect(b.getByText(title)).toBeVisible();
    else await expect(b.getByText(title)).toHaveCount(0);
    await ctx.close();
  }
});

test("journey 8: the console in es and pt-BR has no English left on the pages visited", async ({ page, portal }) => {
  test.slow(); // many pages on a small shared machine
  const shop = await portal.shop({ items: [item("Translated item", "5.00")] });
  await portal.contact(shop.id);
  await logIn(page, ADMIN, DEMO_PASSWORD);
  for (const lng of ["es", "pt-BR"]) {
    await page.getByLabel(/Language|Idioma/).first().selectOption(lng);
    await expect(page.locator("html")).toHaveAttribute("lang", lng);
    for (const path of ["/admin", "/admin/account-requests", "/admin/customers", `/admin/customers/${shop.id}`, "/admin/orders", "/admin/quotes", "/admin/items", "/admin/import", "/admin/announcements", "/admin/staff", "/admin/settings", "/admin/erp"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Every query of the page answered (no loader left), then the texts are final.
      await expect(page.locator(".mantine-Loader-root")).toHaveCount(0);
      await expectNoEnglish(page, lng);
      if (lng === "es") await expectAccessible(page, `${path} in ${lng}`);
    }
  }
});
