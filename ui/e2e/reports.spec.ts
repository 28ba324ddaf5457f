// Issue 13, items 7-8: sales reports. Orders placed through the API are counted by the report
// aggregates consumer (the dev server polls its queue); staff open the Reports page, change the
// range and granularity, export a table as CSV whose numbers match the orders placed here; an
// agent sees only its customers; the customer page shows the customer's purchases.
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { test, expect, expectAccessible, logIn, ADMIN, DEMO_PASSWORD, type PortalApi } from "./fixtures";
import { agent } from "./admin-helpers";

type Report = { totals: { placed_orders: number }; customers: { key: string }[] };

/** Waits until the agent's report counts `orders` placed orders (the consumer is asynchronous). */
async function counted(portal: PortalApi, token: string, orders: number) {
  await expect
    .poll(async () => (await portal.call<Report>("GET", "/v1/admin/reports/sales", undefined, token)).totals.placed_orders, {
      timeout: 30_000,
    })
    .toBe(orders);
}

/** Clicks a CSV export button and answers the downloaded file's text. */
async function csvOf(page: Page, button: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: button, exact: true }).click()]);
  return readFileSync((await download.path()) ?? "", "utf8");
}

test("reports: staff see sales from the orders placed, change range and granularity, export CSV; an agent sees only its customers", async ({ page, portal }) => {
  test.slow(); // orders go through the queue before they show
  const a = await portal.shop({
    items: [
      { name: "Report drill", brand: "Truper", price: "100.00", stock: { 0: 50 } },
      { name: "Report saw", brand: "Urrea", price: "40.00", stock: { 0: 50 } },
    ],
    customerName: `Reports A ${Date.now()}`,
  });
  const b = await portal.shop({
    items: [{ name: "Other drill", brand: "Truper", price: "100.00", stock: { 0: 50 } }],
    customerName: `Reports B ${Date.now()}`,
  });
  // The agent serves A before A orders (an order counts for the agent its customer had then).
  const served = await agent(portal, [a.id]);
  const agentToken = await portal.login(served.email, served.password);
  const buyerA = await portal.contact(a.id);
  const buyerB = await portal.contact(b.id);
  const ta = await portal.login(buyerA.email, buyerA.password);
  const tb = await portal.login(buyerB.email, buyerB.password);
  const [drill, saw] = a.items;
  await portal.placeOrder(ta, a.warehouses[0]!, [
    { sku: drill!.sku, quantity: 2 },
    { sku: saw!.sku, quantity: 1 },
  ]);
  const cancelled = await portal.placeOrder(ta, a.warehouses[0]!, [{ sku: saw!.sku, quantity: 1 }]);
  await portal.call("POST", `/v1/orders/${cancelled.id}/cancel`, {}, ta);
  await portal.placeOrder(tb, b.warehouses[0]!, [{ sku: b.items[0]!.sku, quantity: 3 }]);
  await counted(portal, agentToken, 2);

  // Staff open the reports.
  await logIn(page, ADMIN, DEMO_PASSWORD);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sales reports" })).toBeVisible();
  await expect(page.getByText("All customers.")).toBeVisible();
  await expect(page.getByRole("img", { name: "Sales over time" })).toBeVisible();
  const byCustomer = page.getByRole("region", { name: "By customer" });
  await expect(byCustomer.getByRole("row", { name: new RegExp(a.id) })).toBeVisible();
  await expect(byCustomer.getByRole("row", { name: new RegExp(b.id) })).toBeVisible();
  await expect(page.getByRole("region", { name: "By agent" })).toBeVisible();
  await expectAccessible(page, "reports");

  // The CSV of customers: A placed 2 orders (2 x 100 + 40, then 40 cancelled), B one of 300.
  const customers = await csvOf(page, "Export CSV: By customer");
  const header = customers.split("\n")[0]!.split(",");
  const rowOf = (id: string) => {
    const line = customers.split("\n").find((l) => l.startsWith(`${id},`));
    expect(line, `${id} in the CSV`).toBeTruthy();
    const cells = line!.split(",");
    return (column: string) => cells[header.indexOf(column)];
  };
  const rowA = rowOf(a.id);
  expect(rowA("placed_orders")).toBe("2");
  expect(rowA("placed_value")).toBe("280.00");
  expect(rowA("placed_qty")).toBe("4");
  expect(rowA("cancelled_orders")).toBe("1");
  expect(rowA("cancelled_value")).toBe("40.00");
  const rowB = rowOf(b.id);
  expect(rowB("placed_orders")).toBe("1");
  expect(rowB("placed_value")).toBe("300.00");
  // The items table knows the items by name, with their units.
  const items = await csvOf(page, "Export CSV: By item");
  expect(items).toContain(`${drill!.sku},Report drill,MXN,1,200.00,2`);

  // Weekly periods, then a range of the last week only.
  await page.getByLabel("Granularity").selectOption("week");
  await expect(page.getByRole("row", { name: /^Period/ }).first()).toBeVisible();
  const series = await csvOf(page, "Export CSV: Sales over time");
  const weeks = series.trim().split("\n").slice(1);
  expect(weeks.length).toBeGreaterThanOrEqual(5);
  expect(weeks.length).toBeLessThanOrEqual(6);
  for (const w of weeks) expect(new Date(`${w.slice(0, 10)}T12:00:00Z`).getUTCDay(), `${w} starts on Monday`).toBe(1);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("From").fill(weekAgo);
  await page.getByRole("button", { name: "Show report" }).click();
  const day = new Date(`${weekAgo}T12:00:00Z`).toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" });
  await expect(page.getByText(new RegExp(`^All customers\\. ${day} to `))).toBeVisible();
  // A bad currency is refused with the reason, naming the field.
  await page.getByLabel("Currency").fill("XX1");
  await page.getByRole("button", { name: "Show report" }).click();
  await expect(page.getByRole("alert")).toContainText(/currency/i);

  // The customer page: purchases over time and the top items.
  await page.goto(`/admin/customers/${a.id}`);
  await expect(page.getByRole("img", { name: "Purchases over time" })).toBeVisible();
  const top = page.getByRole("region", { name: "Top items bought" });
  await expect(top.getByRole("row", { name: /Report drill/ })).toBeVisible();
  await expect(top.getByRole("row", { name: /Report saw/ })).toBeVisible();
  await expectAccessible(page, "customer page with purchases");

  // The agent: its customer only, no agents table.
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, served.email, served.password);
  await page.goto("/admin/reports");
  await expect(page.getByText("Your customers only.")).toBeVisible();
  const mine = page.getByRole("region", { name: "By customer" });
  await expect(mine.getByRole("row", { name: new RegExp(a.id) })).toBeVisible();
  await expect(mine.getByRole("row", { name: new RegExp(b.id) })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "By agent" })).toHaveCount(0);
  const agentCsv = await csvOf(page, "Export CSV: By customer");
  expect(agentCsv).toContain(`${a.id},`);
  expect(agentCsv).not.toContain(`${b.id},`);
  await expectAccessible(page, "reports (agent)");
});
