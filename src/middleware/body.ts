import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError } from "../domain/errors";
import { documented } from "../openapi/describe";
import type { AppEnv } from "../types";

export const MAX_BODY_BYTES = 16 * 1024;

/** Bodies over the limit are refused with 413 before anything reads them. */
export const limitBody = (maxSize = MAX_BODY_BYTES) =>
  documented(
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError(413, "payload_too_large", `Request bodies are limited to ${maxSize} bytes.`);
      },
    }),
    { writeErrors: { 413: ["payload_too_large"] } },
  );

const hasBody = (req: Request) =>
  req.headers.has("transfer-encoding") || Number(req.headers.get("content-length") ?? "0") > 0;

/** Writes that carry a body must say it is one of `types`; anything else is 415. */
export const requireContentType = (types: string[] = ["application/json"]) =>
  documented(createMiddleware<AppEnv>(async (c, next) => {
    if (["POST", "PUT", "PATCH", "DELETE"].includes(c.req.method) && hasBody(c.req.raw)) {
      const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!types.includes(type)) {
        throw new AppError(415, "unsupported_media_type", `Send the body as ${types.join(" or ")}.`, {
          received: type || null,
        });
      }
    }
    await next();
  }), { writeErrors: { 415: ["unsupported_media_type"] } });
