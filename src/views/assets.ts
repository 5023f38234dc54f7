// The pages' browser assets are static files built by scripts/build-assets.mjs (from src/client) with a content
// hash in their names, served by Workers static assets ([assets] in wrangler.toml) with a year-long immutable
// cache. The build writes this manifest of their current URLs; it runs before wrangler, vitest and tsc.
import manifest from "../../.build/assets/manifest.json";

export type AssetName = keyof typeof manifest;

export const assetUrl = (name: AssetName): string => manifest[name];
