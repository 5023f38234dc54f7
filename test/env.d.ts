import type { D1Migration } from "cloudflare:test";
import type { Env as AppEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
    interface Env extends AppEnv {
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
