import { Hono } from "hono";
import * as z from "zod";
import { PRICE_ID_PATTERN } from "../domain/catalogue";
import { notFound } from "../domain/errors";
import { CUSTOMER_UID_PATTERN, SUBSCRIPTION_ID_PATTERN, V2_BILLING_KEY_PATTERN } from "../domain/subscription-ids";
import { SUBSCRIPTION_STATUSES } from "../domain/subscription-state";
import { body, query } from "../lib/validate";
import { limitWrites } from "../middleware/rate-limit";
import { isAdmin, requireUser } from "../middleware/session";
import { describe } from "../openapi/describe";
import { cancelByCustomer, changePlan, resume } from "../services/manage-subscription";
import {
  CardRegistrationJson,
  ConfirmedCardJson,
  CreatedSubscriptionJson,
  presentSubscription,
  SubscriptionDetailJson,
  SubscriptionListJson,
} from "../services/present-subscription";
import { confirmCard, registerCard, startSubscription } from "../services/subscribe";
import { CURSOR_PATTERN, cursorOf, parseCursor, presentDetail, subscriptionPage, visibleSubscription } from "../services/subscription-queries";
import type { AppEnv } from "../types";
import { checkGatewayFields } from "./gateway-fields";
import { deps } from "./shared";

// The subscriber's side: subscribe to a plan, register and change the card, cancel at the period's end or resume,
// change plan for the next period, and read subscriptions with their invoices and timeline.

const priceId = z.string({ error: "is required" }).regex(PRICE_ID_PATTERN, "is not a price id (price_…)").meta({ description: "A recurring price (a plan)." });
const SubscribeBody = z.strictObject({ price_id: priceId });
const PlanBody = z.strictObject({ price_id: priceId });
const EmptyBody = z.strictObject({});
// One field per gateway: each server takes its own gateway's (checkGatewayFields), and refuses the other's by name.
const ConfirmBody = z.strictObject({
  customer_uid: z
    .string()
    .regex(CUSTOMER_UID_PATTERN, "is not a pocketpay customer_uid (cus_…)")
    .optional()
    .meta({ description: "Iamport V1: the registration's customer_uid." }),
  billing_key: z
    .string()
    .regex(V2_BILLING_KEY_PATTERN, "is not a PortOne billing key")
    .optional()
    .meta({ description: "PortOne V2: the `billingKey` requestIssueBillingKey answered." }),
});
const CONFIRM_FIELDS = {
  "iamport-v1": { known: ["customer_uid"], required: ["customer_uid"] },
  "portone-v2": { known: ["billing_key"], required: ["billing_key"] },
} as const;

export const ListQuery = z.object({
  status: z.enum(SUBSCRIPTION_STATUSES, { error: `must be one of ${SUBSCRIPTION_STATUSES.join(", ")}` }).optional(),
  limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
  cursor: z.string().regex(CURSOR_PATTERN, "is not a cursor from this API").optional(),
});

export const subscriptionIdParam = {
  id: { description: "The subscription's id (`sub_` and 32 hex characters). One that is malformed, unknown or not yours answers 404." },
};

const idOf = (raw: string | undefined) => {
  if (!raw || !SUBSCRIPTION_ID_PATTERN.test(raw)) throw notFound("subscription");
  return raw;
};

const TAGS = ["Subscriptions"];

export const subscriptionRoutes = new Hono<AppEnv>()
  .get(
    "/",
    describe({ operationId: "listSubscriptions", summary: "Your subscriptions", description: "Newest first, a page at a time.", tags: TAGS, responses: { 200: { description: "A page of subscriptions.", body: SubscriptionListJson } } }),
    requireUser(),
    query(ListQuery),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await subscriptionPage(c.var, { userId: c.var.user!.id, status: q.status, before: parseCursor(q.cursor), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      return c.json({
        items: page.map((r) => presentSubscription({ ...r, email: undefined })),
        next_cursor: rows.length > q.limit ? cursorOf(page.at(-1)!.subscription) : null,
      });
    },
  )
  .post(
    "/",
    describe({
      operationId: "createSubscription",
      summary: "Subscribe to a plan",
      description:
        "Starts an `incomplete` subscription and answers `registration`, which opens the gateway's billing-key " +
        "window (nothing is approved); then confirm the card (`POST …/card/confirm`). One live subscription per product.",
      tags: TAGS,
      responses: { 201: { description: "The subscription and its card registration.", body: CreatedSubscriptionJson } },
      errors: { 400: ["price_unavailable"], 409: ["subscription_exists"], 503: ["config_error"] },
    }),
    requireUser(),
    limitWrites("create"),
    body(SubscribeBody),
    async (c) => {
      const started = await startSubscription(deps(c), c.var.user!, c.req.valid("json").price_id, new URL(c.req.url).origin);
      const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, started.id);
      return c.json({ subscription: presentDetail(detail, { admin: false }), registration: started.registration }, 201);
    },
  )
  .get(
    "/:id",
    describe({
      operationId: "getSubscription",
      summary: "A subscription",
      description: "With its invoices (each with its payment attempts) and its timeline. Its subscriber's, or any for an administrator.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription.", body: SubscriptionDetailJson } },
      errors: { 404: ["not_found"] },
    }),
    requireUser(),
    async (c) => {
      const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: isAdmin(c) }, idOf(c.req.param("id")));
      return c.json(presentDetail(detail, { admin: isAdmin(c) }));
    },
  )
  .post(
    "/:id/card",
    describe({
      operationId: "registerSubscriptionCard",
      summary: "Register a card (or another one)",
      description: "A new registration, never a reused one; the old key is deleted once the new one is confirmed.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 201: { description: "The registration.", body: z.object({ registration: CardRegistrationJson }).meta({ id: "NewCardRegistration" }) } },
      errors: { 404: ["not_found"], 409: ["invalid_state"], 503: ["config_error"] },
    }),
    requireUser(),
    limitWrites("create"),
    body(EmptyBody),
    async (c) => {
      const registration = await registerCard(deps(c), c.var.user!, idOf(c.req.param("id")), new URL(c.req.url).origin);
      return c.json({ registration }, 201);
    },
  )
  .post(
    "/:id/card/confirm",
    describe({
      operationId: "confirmSubscriptionCard",
      summary: "Confirm a registered card",
      description:
        "What the window reports (V1 `customer_uid`, V2 `billing_key`; the other gateway's is a 400), looked up at the " +
        "gateway first (V2: issued to this registration's customer id). A first card starts the trial or the first " +
        "charge; one registered while money is owed retries it at once (`charge_due`).",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription with the card.", body: ConfirmedCardJson } },
      errors: { 404: ["not_found"], 409: ["card_not_registered", "invalid_state", "concurrent_change"], 502: ["gateway_error"], 503: ["gateway_unavailable"] },
    }),
    requireUser(),
    limitWrites("complete"),
    body(ConfirmBody),
    async (c) => {
      const id = idOf(c.req.param("id"));
      const d = deps(c);
      const b = c.req.valid("json");
      checkGatewayFields(d.config.GATEWAY, b, CONFIRM_FIELDS);
      const { chargeDue } = await confirmCard(d, c.var.user!, id, b.billing_key !== undefined ? { billingKey: b.billing_key } : { customerUid: b.customer_uid! });
      const detail = await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id);
      return c.json({ ...presentDetail(detail, { admin: false }), charge_due: chargeDue });
    },
  )
  .post(
    "/:id/cancel",
    describe({
      operationId: "cancelSubscription",
      summary: "Cancel",
      description: "An active or trialing subscription ends with its period (no further charge); one that owes money ends now, its open invoice voided.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription.", body: SubscriptionDetailJson } },
      errors: { 404: ["not_found"], 409: ["invalid_state", "concurrent_change"] },
    }),
    requireUser(),
    body(EmptyBody),
    async (c) => {
      const id = idOf(c.req.param("id"));
      await cancelByCustomer(deps(c), c.var.user!, id);
      return c.json(presentDetail(await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id), { admin: false }));
    },
  )
  .post(
    "/:id/resume",
    describe({
      operationId: "resumeSubscription",
      summary: "Keep a subscription set to cancel",
      description: "Before its period ends.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription.", body: SubscriptionDetailJson } },
      errors: { 404: ["not_found"], 409: ["invalid_state", "concurrent_change"] },
    }),
    requireUser(),
    body(EmptyBody),
    async (c) => {
      const id = idOf(c.req.param("id"));
      await resume(deps(c), c.var.user!, id);
      return c.json(presentDetail(await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id), { admin: false }));
    },
  )
  .post(
    "/:id/plan",
    describe({
      operationId: "changeSubscriptionPlan",
      summary: "Change plan from the next period",
      description: "No proration: the next invoice is priced from the new plan. Only plans of the same product with the same billing interval.",
      tags: TAGS,
      params: subscriptionIdParam,
      responses: { 200: { description: "The subscription with its pending plan.", body: SubscriptionDetailJson } },
      errors: { 400: ["price_unavailable", "plan_not_allowed"], 404: ["not_found"], 409: ["invalid_state", "concurrent_change"] },
    }),
    requireUser(),
    body(PlanBody),
    async (c) => {
      const id = idOf(c.req.param("id"));
      await changePlan(deps(c), c.var.user!, id, c.req.valid("json").price_id);
      return c.json(presentDetail(await visibleSubscription(c.var, { userId: c.var.user!.id, admin: false }, id), { admin: false }));
    },
  );
