import { defineConfig } from "drizzle-kit";

// Only generates SQL into migrations/; wrangler (dev, deploy) and the test setup apply it.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
