import { defineConfig, devices } from "@playwright/test";

// Driven by infra/scripts/ui-test.sh, which starts the dev server on the test stack and sets
// UI_BASE_URL. Debian's chromium (this network reaches no browser download); the flags keep it
// from reaching out to Google's services, which the closed network refuses.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./e2e",
  testMatch: /.*\.spec\.ts/,
  // One worker: the machine is small and shared; the journeys each make their own customers.
  workers: Number(process.env.UI_TEST_WORKERS ?? 1),
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "../target/ui-test/results",
  use: {
    baseURL: process.env.UI_BASE_URL ?? "http://127.0.0.1:3120",
    locale: "en-US",
    timezoneId: "UTC",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
});
