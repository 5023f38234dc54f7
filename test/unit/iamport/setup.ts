// Shared client factory for the Iamport unit tests.
import { createIamportClient, type CallInfo, type IamportClientOptions } from "../../../src/iamport";
import { BASE, scriptedFetch } from "./fake-fetch";

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
