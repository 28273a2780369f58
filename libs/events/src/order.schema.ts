import { z } from 'zod';
import { BrokerSchema } from './envelope.schema';

/**
 * Canonical order statuses. `rank` orders them for monotone merging: an update may move an order
 * to a higher rank, never to a lower one. The three terminal states share the top rank, so a
 * terminal state is never replaced by another.
 */
export const ORDER_STATUSES = [
  'PENDING',
  'OPEN',
  'TRIGGER_PENDING',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const ORDER_STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  PENDING: 0,
  OPEN: 1,
  TRIGGER_PENDING: 1,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  CANCELLED: 3,
  REJECTED: 3,
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELLED', 'REJECTED']);

export function isTerminalStatus(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * A modify or cancel the broker has accepted but not yet applied. Not a status of its own: the
 * order keeps its rank (a cancel in flight can still end FILLED), see docs/events.md.
 */
export const InFlightSchema = z.enum(['modify', 'cancel']);
export type InFlight = z.infer<typeof InFlightSchema>;

export const ExchangeSchema = z.enum(['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX']);
export type Exchange = z.infer<typeof ExchangeSchema>;
export const SideSchema = z.enum(['BUY', 'SELL']);
export type Side = z.infer<typeof SideSchema>;
export const ProductSchema = z.enum(['CNC', 'MIS', 'NRML', 'MTF']);
export type Product = z.infer<typeof ProductSchema>;
export const OrderTypeSchema = z.enum(['MARKET', 'LIMIT', 'SL', 'SL-M']);
export type OrderType = z.infer<typeof OrderTypeSchema>;

/** The canonical order model every broker update is normalized into. Money in rupees. */
export const CanonicalOrderSchema = z.object({
  broker: BrokerSchema,
  accountId: z.string().min(1),
  /** Kite order_id (string, may exceed 2^53) / XTS AppOrderID as a decimal string. */
  brokerOrderId: z.string().min(1),
  exchangeOrderId: z.string().nullable(),
  /** Kite `tag` / XTS `OrderUniqueIdentifier`. */
  clientTag: z.string().nullable(),
  symbol: z.string().min(1),
  exchange: ExchangeSchema,
  side: SideSchema,
  product: ProductSchema,
  orderType: OrderTypeSchema,
  quantity: z.number().int().nonnegative(),
  price: z.number().nonnegative(),
  triggerPrice: z.number().nonnegative(),
  filledQuantity: z.number().int().nonnegative(),
  pendingQuantity: z.number().int().nonnegative(),
  averagePrice: z.number().nonnegative(),
  status: OrderStatusSchema,
  statusMessage: z.string().nullable(),
  /** The broker's status string exactly as received (kept even when unknown to us). */
  brokerStatus: z.string(),
  /** Broker (OMS) time of this state, epoch ms. */
  brokerTimestamp: z.number().nullable(),
  /** Exchange time of this state, epoch ms, null until at the exchange. */
  exchangeTimestamp: z.number().nullable(),
  /** Set while a modify/cancel request is pending at the broker (Kite `MODIFY PENDING`, XTS `PendingCancel`, ...). */
  inFlight: InFlightSchema.optional(),
});
export type CanonicalOrder = z.infer<typeof CanonicalOrderSchema>;
