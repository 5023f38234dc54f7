// Iamport's error families translated into the gateway's, class for class. The refusal's kind (not_found,
// unauthorized, temporary, rejected) is Iamport's own classification (src/iamport/errors.ts classifyRefusal),
// carried over unchanged; V1's numeric envelope code becomes the gateway's string code.

import { GatewayNotFoundError, GatewayRefusalError, GatewayTransportError } from "../errors";
import { IamportNotFoundError, IamportRefusalError, IamportTransportError } from "../../iamport";

/** The gateway error for an Iamport one; anything else (a TypeError from a guard, a bug) is returned unchanged. */
export function toGatewayError(e: unknown): unknown {
  if (e instanceof IamportTransportError) {
    return new GatewayTransportError(e.kind, e.message, {
      method: e.method,
      path: e.path,
      cause: e,
      ...(e.status !== undefined ? { status: e.status } : {}),
    });
  }
  if (e instanceof IamportRefusalError) {
    const init = {
      method: e.method,
      path: e.path,
      cause: e,
      kind: e.kind,
      code: String(e.code),
      gatewayMessage: e.iamportMessage,
      httpStatus: e.httpStatus,
    };
    return e instanceof IamportNotFoundError ? new GatewayNotFoundError(e.message, init) : new GatewayRefusalError(e.message, init);
  }
  return e;
}

/** Runs one client call, translating what it throws. */
export async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toGatewayError(e);
  }
}
