import { test, expect, expectAccessible, logIn } from "./fixtures";

// Proves the harness: the dev server serves the app, a contact logs in through the page and
// sees its home page; the demo data's admin reaches the console chunk.
test("a contact logs in and sees the home page", async ({ page, portal }) => {
  const shop = await portal.shop({ items: [{ name: "Harness drill", brand: "Acme", price: "10.00", stock: { 0: 5 } }] });
  const buyer = await portal.contact(shop.id, "a-long-password-1", "Hana Harness");
  await page.goto("/login");
  await expectAccessible(page, "login");
  await logIn(page, buyer.email, buyer.password);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Hana Harness" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart" })).toBeVisible();
  await expectAccessible(page, "home");
});

test("staff land in the console, its own chunk", async ({ page }) => {
  await logIn(page, "admin@example.com", "demo-password-1");
  await expect(page.getByRole("heading", { level: 1, name: "Staff console" })).toBeVisible();
  await expectAccessible(page, "console home");
});

test("unknown API paths stay JSON while app paths open the app", async ({ request }) => {
  const api = await request.get("/v1/no-such-route");
  expect(api.status()).toBe(404);
  expect(api.headers()["content-type"]).toBe("application/problem+json");
  const app = await request.get("/orders/some-deep-link");
  expect(app.status()).toBe(200);
  expect(await app.text()).toContain('<div id="root">');
});
