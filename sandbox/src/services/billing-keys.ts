import { checkCard } from "../cards";
import { getCustomer, upsertCustomer, type Customer } from "../db/customers";

/** KG Inicis' billing test MID: every key (and every charge made with one) reports it. */
export const BILLING_PG = { pg_provider: "html5_inicis", pg_id: "INIBillTst" } as const;

export interface KeyRequest {
  card_number: string;
  /** The MID of the channel that issued the key (`pg: "html5_inicis.{MID}"`); INIBillTst by default. */
  pg_id?: string;
  expiry: string;
  customer_id?: string;
  customer_name?: string;
  customer_tel?: string;
  customer_email?: string;
  customer_addr?: string;
  customer_postcode?: string;
}

export type KeyResult = { ok: true; customer: Customer } | { ok: false; message: string };

/**
 * Issues (or re-issues: the customer_uid is re-pointed at the new card, as Iamport does) a billing key after the
 * card company accepts the card. Shared by POST /subscribe/customers, onetime with customer_uid and schedule.
 */
export async function issueKey(db: D1Database, nowMs: number, customerUid: string, req: KeyRequest): Promise<KeyResult> {
  const checked = checkCard(req.card_number, req.expiry, nowMs);
  if (!checked.ok) return checked;
  const now = Math.floor(nowMs / 1000);
  const existing = await getCustomer(db, customerUid);
  const customer: Customer = {
    customer_uid: customerUid,
    ...BILLING_PG,
    pg_id: req.pg_id ?? BILLING_PG.pg_id,
    sandbox: false,
    customer_id: req.customer_id ?? null,
    card_name: checked.card.card_name,
    card_code: checked.card.card_code,
    card_issuer_code: null,
    card_issuer_name: null,
    card_publisher_code: null,
    card_publisher_name: null,
    card_number: checked.card.card_number,
    card_type: checked.card.card_type,
    customer_name: req.customer_name ?? null,
    customer_tel: req.customer_tel ?? null,
    customer_email: req.customer_email ?? null,
    customer_addr: req.customer_addr ?? null,
    customer_postcode: req.customer_postcode ?? null,
    inserted: existing?.inserted ?? now,
    updated: now,
  };
  await upsertCustomer(db, customer, checked.declines);
  return { ok: true, customer };
}
