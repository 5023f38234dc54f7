import { z } from "zod";
import { num, optStr } from "./input";

/** Order fields shared by /again, /onetime and each schedule (lengths from the schema's maxLength). */
export const BuyerFields = {
  buyer_name: optStr(16),
  buyer_email: optStr(64),
  buyer_tel: optStr(16),
  buyer_addr: optStr(128),
  buyer_postcode: optStr(8),
};

// The schema types custom_data as a string (formData string): objects are refused, not serialised for the caller.
export const CustomData = z.preprocess((v) => (v === null ? undefined : v), z.string().max(10_000).optional());

/** An optional non-negative amount (tax_free, vat_amount, card_quota): accepted, not applied by the sandbox. */
export const optAmount = () =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), num.pipe(z.number().nonnegative()).optional());
