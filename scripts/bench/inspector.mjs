// wrangler dev's inspector proxy (its InspectorProxyWorker) turns on the DevTools Network domain of the app's
// isolate, for DevTools' network tab. From then on every subrequest of the app (in local dev each D1 round trip is
// one: a fetch to http://d1/query) raises four events (requestWillBeSent, responseReceived, dataReceived,
// loadingFinished); the proxy relays each to wrangler's node process as an HTTP request, which formats it and
// appends it to wrangler's debug log (~/.config/.wrangler/logs, or WRANGLER_LOG_PATH). Measured under the bench,
// that was nearly all of wrangler's node CPU and part of the proxy workerd's: a cost of the dev tooling, absent in
// production. `--quiet-inspector` sends `Network.disable` through the proxy, as DevTools would, before phase 1.
import { session } from "./profile.mjs";

export async function quietInspector(wranglerInspectorPort) {
  const [app] = await (await fetch(`http://127.0.0.1:${wranglerInspectorPort}/json`)).json();
  const s = await session(app.webSocketDebuggerUrl);
  try {
    await s.send("Network.disable");
  } finally {
    s.close();
  }
}
