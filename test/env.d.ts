import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    // The app's bindings are generated into worker-configuration.d.ts; the tests' own bindings are added here.
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      SANDBOX_MIGRATIONS: D1Migration[];
      SANDBOX_DB: D1Database;
      /** scripts/demo-catalogue.sql, split into statements. */
      DEMO_CATALOGUE: string[];
      /** Node-side tools for the OpenAPI document: lint, and compile a typed client (test/node/openapi-tools.ts). */
      OPENAPI_TOOLS: Fetcher;
    }
  }
}
