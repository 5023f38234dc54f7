/** What test/setup.ts prints every second to release console output the pool holds; vitest.config.ts hides it. */
export const RUNNER_HEARTBEAT = "[pocketpay-test-runner-heartbeat]";
