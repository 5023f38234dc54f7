import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Real local D1 for both Workers, migrated exactly as wrangler migrates them. Idempotent across files.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.SANDBOX_DB, env.SANDBOX_MIGRATIONS);
