/**
 * One JSON line per event, like the app's logs. `info` lines are hidden in test output (vitest.config.ts) and shown
 * in `wrangler dev`: the place for detail that Iamport's short Korean messages leave out.
 */
export function logInfo(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level: "info", source: "sandbox", event, ...fields }));
}
