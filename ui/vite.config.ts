import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// `vite build` writes dist/, which the dev server (make dev) serves at / and S3 + CloudFront
// serve in AWS. `vite` (npm run dev) proxies /v1 to a running dev server, for hot reloading.
export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.UI_DEV_PORT ?? 3100),
    proxy: { "/v1": process.env.API_URL ?? "http://127.0.0.1:3000" },
  },
  build: {
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
