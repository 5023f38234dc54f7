import { CLIENT_JS } from "./client";
import { CSS } from "./style";

// A content hash in each asset's URL lets browsers keep it for a year; a deploy changes the URL.
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export const ASSETS: Record<string, { body: string; type: string; version: string }> = {
  "app.css": { body: CSS, type: "text/css; charset=utf-8", version: fnv1a(CSS) },
  "app.js": { body: CLIENT_JS, type: "text/javascript; charset=utf-8", version: fnv1a(CLIENT_JS) },
};

export const assetUrl = (name: keyof typeof ASSETS & string) => `/assets/${name}?v=${ASSETS[name]!.version}`;
