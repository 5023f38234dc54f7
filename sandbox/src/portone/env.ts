// The PortOne V2 sandbox lives beside the Iamport V1 one, in the same Worker, under its own prefix (the app forwards
// /sandbox/* unchanged). It shares the clock, the fault table, the test cards and the webhook delivery with V1.

export const PORTONE_BASE_PATH = "/sandbox/portone";

/**
 * Prepended to V2 paths in the shared fault table. V1 fault paths always start with "/", so a V1 fault can never
 * match a V2 call (or the reverse) even though both APIs have a /payments/... path.
 */
export const PORTONE_FAULT_PREFIX = "portone:";

/** The sandbox's one merchant (고객사); the store and channel come from config (SANDBOX_PORTONE_*). */
export const MERCHANT_ID = "merchant-00000000-0000-4000-8000-000000000000";

/** What a declining test card's charges fail with (KG Inicis's limit refusal, as V1's sandbox reports it). */
export const DECLINE = { pgCode: "3011", pgMessage: "카드 한도 초과" } as const;
