import { badRequest } from "../domain/errors";
import type { GatewayName } from "../gateway/types";
import type { FieldIssue } from "../lib/field-issues";

// What a gateway's window reports comes in that gateway's own words (Iamport V1: customer_uid, imp_uid, …; PortOne
// V2: billingKey, txId, code, …). A server runs one gateway, so a report in the other's words is a client built for
// the other gateway: a 400 that names the fields and the gateway this server uses, before anything is read.

const LABEL: Record<GatewayName, string> = { "iamport-v1": "Iamport V1", "portone-v2": "PortOne V2" };

export interface GatewayFields {
  /** Every field of this gateway's report the route reads. */
  known: readonly string[];
  /** Those it cannot do without. */
  required: readonly string[];
}

export function checkGatewayFields(gateway: GatewayName, input: Record<string, unknown>, fields: Record<GatewayName, GatewayFields>): void {
  const other: GatewayName = gateway === "iamport-v1" ? "portone-v2" : "iamport-v1";
  const mine = fields[gateway];
  const issues: FieldIssue[] = [];
  for (const field of fields[other].known) {
    if (input[field] !== undefined && !mine.known.includes(field)) {
      issues.push({ field, code: "unknown_field", message: `is ${LABEL[other]}'s; this server uses ${LABEL[gateway]}` });
    }
  }
  for (const field of mine.required) {
    if (input[field] === undefined) issues.push({ field, code: "required", message: `is required (this server uses ${LABEL[gateway]})` });
  }
  if (issues.length > 0) throw badRequest("invalid_request", issues.map((i) => `${i.field}: ${i.message}`).join("; "), { fields: issues, gateway });
}
