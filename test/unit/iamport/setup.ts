// Shared client factory for the Iamport unit tests.
import { afterEach } from "vitest";
import { createIamportClient, type CallInfo, type IamportClientOptions } from "../../../src/iamport";
import { BASE, scriptedFetch, tokenOk } from "./fake-fetch";

export const IMP_KEY = "test_imp_key";
export const IMP_SECRET = "s3cr3t-imp-secret-do-not-leak";

export function setup(overrides: Partial<IamportClientOptions> = {}) {
  const fake = scriptedFetch();
  const calls: CallInfo[] = [];
  let clock = 1_000_000;
  const client = createIamportClient({
    fetch: fake.fetch,
    baseUrl: `${BASE}/`,
    impKey: IMP_KEY,
    impSecret: IMP_SECRET,
    now: () => clock,
    onCall: (i) => calls.push(i),
    ...overrides,
  });
  return {
    fake,
    client,
    calls,
    advance(ms: number) {
      clock += ms;
    },
  };
}

// Every scripted fake must have been used up by the end of its test: an expected call that never came fails it.
let pending: Array<() => void> = [];
afterEach(() => {
  const checks = pending;
  pending = [];
  for (const check of checks) check();
});

/** A client over a scripted fetch that is checked after the test; with `token`, getToken answers it. */
export function checkedSetup(overrides?: Partial<IamportClientOptions>, token?: string) {
  const e = setup(overrides);
  pending.push(() => e.fake.assertDone());
  if (token) e.fake.on("POST", "/users/getToken", tokenOk(token));
  return e;
}
