// F39 the buying company's own users, as a new user would use them: a manager (granted by
// staff) invites a colleague with a per-order limit, the colleague sets a password from the
// email link, orders above the limit, the manager approves (an order exists) and rejects another.
import { test, expect, expectAccessible, invitationLink, logIn, uid } from "./fixtures";

test.slow();

test("company: a manager invites a colleague, limits her, approves one order above the limit and rejects another", async ({ page, portal, request }) => {
  const run = uid();
  const shop = await portal.shop({
    items: [{ name: `Pallet jack ${run}`, brand: "Acme", price: "1000.00", stock: { 0: 50 } }],
  });
  const item = shop.items[0]!;
  // Staff make one contact a manager of the company.
  const boss = await portal.contact(shop.id, "a-long-password-1", "Bruno Boss");
  await portal.call("PATCH", `/v1/admin/customers/${shop.id}/contacts/${encodeURIComponent(boss.email)}`, {
    permissions: { place_orders: true, create_quotes: true, see_invoices: true, manage_company: true },
  });

  // The manager finds the Company section and invites Carla with a 2,000 MXN limit.
  await logIn(page, boss.email, boss.password);
  await page.getByRole("link", { name: "Company" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Company" })).toBeVisible();
  await expect(page.getByText("No order is waiting for approval.")).toBeVisible();
  await expectAccessible(page, "company");
  const carla = `carla-${run.toLowerCase()}@example.com`;
  await page.getByLabel("Name").fill("Carla Compras");
  await page.getByLabel("Email").fill(carla);
  await page.getByLabel("Per-order limit in MXN (optional)").fill("2000");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${carla}.`)).toBeVisible();
  const person = page.getByRole("article", { name: "Carla Compras" });
  await expect(person.getByText("Per-order limit: MX$2,000.00")).toBeVisible();
  // Quotes are not hers to request: the manager unticks it and saves.
  await person.getByLabel("Request quotes (Carla Compras)").uncheck();
  await person.getByRole("button", { name: "Save Carla Compras" }).click();
  await expect(person.getByRole("status")).toHaveText("Saved.");
  await expectAccessible(page, "company with a colleague");
  await page.getByRole("button", { name: "Log out" }).click();

  // Carla sets her password from the emailed link (read from moto's SES store).
  const link = new URL(await invitationLink(request, carla));
  await page.goto(link.pathname + link.search);
  await page.getByLabel("Password").fill("carla-password-1");
  await page.getByRole("button", { name: "Save the password and log in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Carla Compras" })).toBeVisible();
  // No Company section for her.
  await expect(page.getByRole("link", { name: "Company" })).toHaveCount(0);

  // Her order of 3 (3,480.00 with tax) is above the limit: it waits for approval.
  const carlaToken = await portal.login(carla, "carla-password-1");
  await portal.call("PUT", "/v1/cart", { warehouse_id: shop.warehouses[0], lines: [{ sku: item.sku, quantity: 3 }] }, carlaToken);
  await page.goto("/cart");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Order request / })).toBeVisible();
  await expect(page.getByText("Waiting for approval").first()).toBeVisible();
  await expect(page.getByText("Total MX$3,480.00, above the limit of MX$2,000.00.")).toBeVisible();
  await expectAccessible(page, "approval request");
  // A second one, to be rejected.
  const second = await portal.call<{ id: string }>(
    "POST",
    "/v1/orders",
    { warehouse_id: shop.warehouses[0], lines: [{ sku: item.sku, quantity: 4 }] },
    carlaToken,
    { "idempotency-key": `second-${run}` },
  );
  await page.getByRole("button", { name: "Log out" }).click();

  // The manager approves the first: an order placed by him exists.
  await logIn(page, boss.email, boss.password);
  await page.goto("/company");
  const waiting = page.getByRole("region", { name: "Orders waiting for approval" });
  await expect(waiting.getByRole("row")).toHaveCount(3);
  await expect(waiting.getByText("MX$3,480.00")).toBeVisible();
  await expectAccessible(page, "company with approvals");
  const secondRef = second.id.slice(-8).toUpperCase();
  const firstLink = waiting.getByRole("link", { name: /^Review request / }).filter({ hasNotText: secondRef });
  await firstLink.click();
  await expect(page.getByText("Approving places it at today's total, MX$3,480.00.")).toBeVisible();
  await expectAccessible(page, "approval to decide");
  await page.getByRole("button", { name: "Approve and place the order" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Order / })).toBeVisible();
  await expect(page.getByText("Placed", { exact: true }).first()).toBeVisible();

  // ...and rejects the second with a reason.
  await page.goto(`/approvals/${second.id}`);
  await page.getByLabel("Reason for rejecting").fill("Too many this month");
  await page.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByText("Rejected", { exact: true }).first()).toBeVisible();
  await expect(page.getByText("Reason: Too many this month")).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();

  // Carla sees both outcomes in her orders area, and the one order.
  await logIn(page, carla, "carla-password-1");
  await page.goto("/orders");
  const mine = page.getByRole("region", { name: "My order requests" });
  await expect(mine.getByText("Approved", { exact: true })).toBeVisible();
  await expect(mine.getByText("Rejected", { exact: true })).toBeVisible();
  await expectAccessible(page, "orders with requests");
  const orders = await portal.call<{ items: { id: string; total: string }[] }>("GET", "/v1/orders", undefined, carlaToken);
  expect(orders.items.map((o) => o.total)).toEqual(["3480.00"]);
});
