// Issue 13, items 1-4, as a new buyer would use them in the browser: quick order (typed rows,
// pasted lines, the sample CSV and a file with a bad row), order again, previously purchased and
// saved lists. Data is set up through the API (fixtures.ts); axe runs on every page added.
import type { Page } from "@playwright/test";
import { test, expect, expectAccessible, logIn, uid } from "./fixtures";

async function heading(page: Page, name: string | RegExp) {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** Picks a file through the field's file chooser, as a person does. */
async function chooseFile(page: Page, label: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const chooser = page.waitForEvent("filechooser");
  await page.getByLabel(label).click();
  await (await chooser).setFiles(file);
}

const row = (page: Page, text: string | RegExp) => page.getByRole("row").filter({ hasText: text });

test("quick order: typed rows, pasted lines and a CSV with a bad row; the valid rows go to the cart in one action", async ({ page, portal }) => {
  const shop = await portal.shop({
    items: [
      { name: "Hammer 16 oz", brand: "Truper", price: "150.00", stock: { 0: 50 } },
      { name: "Wood screws 4x40", brand: "Fischer", price: "2.00", stock: { 0: 3 } },
      { name: "Tape measure 5 m", brand: "Stanley", price: "99.00", stock: { 0: 20 } },
    ],
  });
  const [hammer, screws, tape] = shop.items as [typeof shop.items[0], typeof shop.items[0], typeof shop.items[0]];
  const buyer = await portal.contact(shop.id);
  await logIn(page, buyer.email, buyer.password);

  await page.getByRole("link", { name: "Quick order" }).first().click();
  await heading(page, "Quick order");
  await expectAccessible(page, "quick-order");

  // Typed rows, the SKU suggested while typing.
  await page.getByRole("combobox", { name: "SKU of row 1" }).fill("Hammer");
  await page.getByRole("option", { name: new RegExp(`${hammer.sku} — Hammer 16 oz`) }).click();
  await page.getByLabel("Quantity of row 1").fill("2");
  await page.getByRole("combobox", { name: "SKU of row 2" }).fill("NOPE-1");
  await page.getByLabel("Quantity of row 2").fill("1");
  await page.getByRole("combobox", { name: "SKU of row 3" }).fill(hammer.sku);
  await page.getByLabel("Quantity of row 3").fill("-1");
  await page.getByRole("button", { name: "Check rows" }).click();
  await expect(page.getByRole("alert")).toContainText("Row 3: the quantity must be a whole number");
  await expect(page.getByRole("alert")).toContainText("Nothing was added to your cart");
  await page.getByLabel("Quantity of row 3").fill("1");
  await page.getByRole("button", { name: "Check rows" }).click();
  await expect(page.getByText("2 valid rows, 1 with problems.")).toBeVisible();
  await expect(row(page, "NOPE-1")).toContainText("Unknown SKU");
  await expect(row(page, /Merged into row 1/)).toBeVisible();
  await expectAccessible(page, "quick-order results");

  // Pasted lines, as copied from a spreadsheet: a short one and a duplicate.
  await page.getByRole("tab", { name: "Paste lines" }).click();
  await page.getByLabel("Lines to check").fill(`${tape.sku}\t3\n${screws.sku},5\n${tape.sku} 1\n`);
  await page.getByRole("button", { name: "Check rows" }).click();
  await expect(row(page, "Wood screws 4x40")).toContainText("Short stock");
  await expect(row(page, "Wood screws 4x40")).toContainText("3 available");
  await expect(row(page, /Merged into row 1/)).toBeVisible();
  await expectAccessible(page, "quick-order paste");

  // The sample CSV is offered; a file with a bad row is refused naming the row, nothing added.
  await page.getByRole("tab", { name: "Upload CSV" }).click();
  const sample = page.getByRole("link", { name: "Download a sample CSV" });
  await expect(sample).toHaveAttribute("download", "quick-order-sample.csv");
  expect(decodeURIComponent((await sample.getAttribute("href")) ?? "")).toContain("sku,quantity");
  await chooseFile(page, "CSV file", {
    name: "order.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`sku,quantity\n${hammer.sku},4\n${tape.sku},1e9\n`),
  });
  await page.getByRole("button", { name: "Check rows" }).click();
  await expect(page.getByRole("alert")).toContainText("Row 3: the quantity must be a whole number");
  await expectAccessible(page, "quick-order bad file");
  await chooseFile(page, "CSV file", {
    name: "order.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`sku,quantity\n${hammer.sku},4\n${tape.sku},1\n${screws.sku},9\nGHOST-9,1\n`),
  });
  await page.getByRole("button", { name: "Check rows" }).click();
  await expect(page.getByText("2 valid rows, 2 with problems.")).toBeVisible();
  await page.getByRole("button", { name: "Add the valid rows to the cart (2)" }).click();
  await expect(page.getByText("2 lines added to your cart.")).toBeVisible();

  await page.getByRole("link", { name: "Go to the cart" }).click();
  await heading(page, "Cart");
  await expect(page.getByText("Hammer 16 oz")).toBeVisible();
  await expect(page.getByText("Tape measure 5 m")).toBeVisible();
  await expect(page.getByText("Wood screws 4x40")).toHaveCount(0);
});

test("order again, previously purchased and saved lists", async ({ page, portal }) => {
  const run = uid();
  const shop = await portal.shop({
    items: [
      { name: `Drill ${run}`, brand: "Bosch", price: "1000.00", stock: { 0: 30 } },
      { name: `Gloves ${run}`, brand: "Truper", price: "50.00", stock: { 0: 100 } },
    ],
  });
  const [drill, gloves] = shop.items as [typeof shop.items[0], typeof shop.items[0]];
  const buyer = await portal.contact(shop.id);
  const token = await portal.login(buyer.email, buyer.password);
  const order = await portal.placeOrder(token, shop.warehouses[0]!, [
    { sku: drill.sku, quantity: 1 },
    { sku: gloves.sku, quantity: 4 },
  ]);
  // Today the drill costs more.
  await portal.call("PUT", `/v1/admin/price-lists/${shop.priceList}/prices`, { prices: [{ sku: drill.sku, unit_price: "1100.00" }] });
  await logIn(page, buyer.email, buyer.password);

  // Order again from the order's page: what changed is marked.
  await page.goto(`/orders/${order.id}`);
  await page.getByRole("button", { name: "Order again" }).click();
  const done = page.getByRole("status").filter({ hasText: "lines added to your cart at today's prices" });
  await expect(done).toContainText("2 lines added");
  await expect(done.getByRole("listitem").filter({ hasText: `Drill ${run}` })).toContainText("Price up");
  await expect(done.getByRole("listitem").filter({ hasText: `Gloves ${run}` })).toContainText("Same price");
  await expectAccessible(page, "order again");

  // Previously purchased: searchable, each line back to the cart.
  await page.getByRole("link", { name: "Bought before" }).first().click();
  await heading(page, "Bought before");
  await expect(row(page, `Drill ${run}`)).toContainText("MX$1,000.00");
  await page.getByLabel("Search by SKU or name").fill("glov");
  await expect(row(page, `Drill ${run}`)).toHaveCount(0);
  await page.getByRole("button", { name: `Add 4 of Gloves ${run} to the cart` }).click();
  await expect(page.getByText(`4 × Gloves ${run} added to the cart`)).toBeVisible();
  await expectAccessible(page, "purchased");

  // Saved lists: create, add a line, rename, use, delete.
  await page.getByRole("link", { name: "Lists" }).first().click();
  await heading(page, "Saved lists");
  await expectAccessible(page, "lists");
  await page.getByLabel("New list name").fill(`Weekly ${run}`);
  await page.getByRole("button", { name: "Create list" }).click();
  await page.getByRole("link", { name: `Weekly ${run}` }).click();
  await heading(page, `Weekly ${run}`);
  await page.getByLabel("SKU").fill(gloves.sku);
  await page.getByLabel("Quantity").fill("6");
  await page.getByRole("button", { name: "Add to list" }).click();
  await expect(row(page, `Gloves ${run}`)).toContainText("6");
  await page.getByLabel("List name").fill(`Monday ${run}`);
  await page.getByRole("button", { name: "Rename" }).click();
  await heading(page, `Monday ${run}`);
  await expectAccessible(page, "list");
  await page.getByRole("button", { name: "Add the whole list to the cart" }).click();
  await expect(page.getByText("1 lines added to your cart.")).toBeVisible();
  await page.getByRole("button", { name: "Delete list" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete list" }).click();
  await heading(page, "Saved lists");
  await expect(page.getByRole("link", { name: `Monday ${run}` })).toHaveCount(0);

  // The cart holds the reorder plus what was added since: gloves 4 + 4 + 6 = 14, at 50.00 plus
  // 16 % tax = 812.00.
  await page.goto("/cart");
  await heading(page, "Cart");
  await expect(row(page, `Gloves ${run}`)).toContainText("MX$812.00");
});
