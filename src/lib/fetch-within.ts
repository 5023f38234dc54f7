// One HTTP exchange under a deadline, shared by the gateway clients (Iamport V1, PortOne V2).

/** The exchange did not complete: `timedOut` when our deadline passed, else the fetch or the body read failed. */
export class FetchFailure extends Error {
  constructor(
    readonly timedOut: boolean,
    /** The HTTP status when a response had arrived before the failure (the body read failed or timed out). */
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "FetchFailure";
  }
}

/**
 * Fetches and reads the whole body within `timeoutMs`. The deadline covers reading the body too, and it is raced
 * (besides aborting the request), so a fetch implementation that ignores the signal still cannot hang the caller.
 */
export async function fetchTextWithin(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new Error("timeout"));
    }, timeoutMs);
  });
  // Called detached, never as `something.fetch(...)`: workerd's fetch throws "Illegal invocation" when invoked
  // as a method of another object.
  const doFetch = fetchImpl;
  let status: number | undefined;
  try {
    const res = await Promise.race([doFetch(url, { ...init, signal: controller.signal }), deadline]);
    status = res.status;
    const text = await Promise.race([res.text(), deadline]);
    return { status, text };
  } catch (e) {
    throw new FetchFailure(timedOut, status, e);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
