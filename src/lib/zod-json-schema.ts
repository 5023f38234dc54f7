// hono-openapi converts zod schemas with `(await import("zod/v4/core")).toJSONSchema`. Bundled as written, that
// namespace import keeps all of zod's core in the Worker (every locale's messages: +65 KiB gzipped), because a
// bundler cannot tell which exports a dynamic import uses. wrangler.toml's [alias] points that one import here,
// at the only export it needs (the same function, re-exported by zod).
export { toJSONSchema } from "zod";
