import { z } from 'zod';
import { BrokerSchema } from './envelope.schema';
import {
  CanonicalOrderSchema,
  ExchangeSchema,
  OrderTypeSchema,
  ProductSchema,
  SideSchema,
} from './order.schema';

const money = z.number().finite().nonnegative();

export const ValiditySchema = z.enum(['DAY', 'IOC', 'TTL']);
export type Validity = z.infer<typeof ValiditySchema>;

/** Automation attached to an entry order (native `POST /v1/orders` body), used by portfolio-manager. */
export const ProtectionSchema = z.object({
  stopLoss: money.optional().describe('stop-loss trigger price in rupees (absolute price, not points)'),
  target: money.optional().describe('target limit price in rupees (absolute price, not points)'),
  trailing: z
    .number()
    .finite()
    .positive()
    .optional()
    .describe('trailing distance in rupees: the stop follows the best price at this distance'),
});
export type Protection = z.infer<typeof ProtectionSchema>;

/** What a client asked for, before or without a broker order (order.rejected at placement). */
export const OrderIntentSchema = z.object({
  broker: BrokerSchema,
  accountId: z.string().min(1),
  symbol: z.string().min(1),
  exchange: ExchangeSchema,
  side: SideSchema,
  product: ProductSchema,
  orderType: OrderTypeSchema,
  quantity: z.number().int().nonnegative(),
  price: money,
  triggerPrice: money,
  clientTag: z.string().nullable(),
});
export type OrderIntent = z.infer<typeof OrderIntentSchema>;

export const OrderPlacedSchema = z.object({
  order: CanonicalOrderSchema.describe('the order as the broker accepted it (usually PENDING)'),
  userId: z
    .string()
    .min(1)
    .nullable()
    .describe('Fillwire user who placed it; null for automation without a user'),
  idempotencyKey: z
    .string()
    .min(1)
    .nullable()
    .describe('Idempotency-Key of the request; also sent as the broker client tag'),
  validity: ValiditySchema.optional(),
  protection: ProtectionSchema.optional().describe('requested stop-loss / target / trailing, if any'),
  parentBrokerOrderId: z
    .string()
    .min(1)
    .optional()
    .describe('entry order of an automated exit (stop-loss/target/square-off)'),
});
export type OrderPlaced = z.infer<typeof OrderPlacedSchema>;

export const OrderUpdatedSchema = z.object({
  order: CanonicalOrderSchema.describe(
    'the order state this broker update describes, in-flight flag included',
  ),
  statusKnown: z
    .boolean()
    .optional()
    .describe(
      'false when the broker status was not in our tables (kept raw in order.brokerStatus); absent = true',
    ),
  stale: z
    .boolean()
    .optional()
    .describe(
      'true when the gateway had already seen a later state of this order: record it, do not apply it',
    ),
  raw: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'the broker payload for audit, only when the gateway is configured to attach it (checksum removed)',
    ),
});
export type OrderUpdated = z.infer<typeof OrderUpdatedSchema>;

export const RejectedBySchema = z.enum(['fillwire', 'broker', 'exchange']);

export const OrderRejectedSchema = z.object({
  intent: OrderIntentSchema.describe('what was asked for'),
  order: CanonicalOrderSchema.nullable().describe(
    'the rejected order when the broker had created one, else null',
  ),
  reason: z.string().min(1).describe('why, in words a trader understands (broker message kept verbatim)'),
  rejectedBy: RejectedBySchema.describe(
    'fillwire = our validation/risk/rate limit; broker = OMS/RMS; exchange',
  ),
  userId: z.string().min(1).nullable(),
  idempotencyKey: z.string().min(1).nullable(),
});
export type OrderRejected = z.infer<typeof OrderRejectedSchema>;

export const OrderCancelledSchema = z.object({
  order: CanonicalOrderSchema.refine(
    (o) => o.status === 'CANCELLED',
    'order.status must be CANCELLED',
  ).describe('the final state; filledQuantity keeps any partial fill'),
  cancelledQuantity: z.number().int().nonnegative().describe('quantity - filledQuantity'),
  cancelledBy: z
    .enum(['user', 'automation', 'square-off', 'broker', 'exchange', 'unknown'])
    .describe(
      'who asked: user, OCO/trailing automation, MIS square-off, broker RMS, exchange (IOC, circuit)',
    ),
});
export type OrderCancelled = z.infer<typeof OrderCancelledSchema>;

export const OrderFilledSchema = z.object({
  order: CanonicalOrderSchema.refine((o) => o.status === 'FILLED', 'order.status must be FILLED').describe(
    'the final state: filledQuantity = quantity, averagePrice = fill VWAP',
  ),
});
export type OrderFilled = z.infer<typeof OrderFilledSchema>;

export const NotificationKindSchema = z.enum([
  'fill',
  'partial-fill',
  'rejection',
  'cancel',
  'stop-triggered',
  'target-hit',
  'square-off',
  'alert',
]);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

export const OrderNotificationSchema = z.object({
  kind: NotificationKindSchema,
  level: z.enum(['info', 'warning', 'error']).describe('alerts and rejections are warning/error, fills info'),
  message: z.string().min(1).describe('one line for a trader, e.g. "BUY 10 SBIN filled at 812.35"'),
  accountId: z.string().min(1).optional(),
  broker: BrokerSchema.optional(),
  brokerOrderId: z.string().min(1).optional(),
  symbol: z.string().min(1).optional(),
  exchange: ExchangeSchema.optional(),
  side: SideSchema.optional(),
  quantity: z.number().int().nonnegative().optional(),
  price: money.optional(),
});
export type OrderNotification = z.infer<typeof OrderNotificationSchema>;

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const OrderDifferenceSchema = z.object({
  field: z.string().min(1).describe('a CanonicalOrder field name'),
  local: Scalar.describe('what Fillwire had'),
  broker: Scalar.describe("what the broker's order book says"),
});
export type OrderDifference = z.infer<typeof OrderDifferenceSchema>;

export const OrderReconciledSchema = z.object({
  order: CanonicalOrderSchema.describe("the corrected order, from the broker's order book"),
  previous: CanonicalOrderSchema.nullable().describe(
    'local state before the correction; null when it was missing',
  ),
  differences: z.array(OrderDifferenceSchema).describe('what differed; empty only when previous is null'),
});
export type OrderReconciled = z.infer<typeof OrderReconciledSchema>;
