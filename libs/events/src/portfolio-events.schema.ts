import { z } from 'zod';
import { BrokerSchema } from './envelope.schema';
import { ExchangeSchema, ProductSchema, SideSchema } from './order.schema';

const money = z.number().finite();
const nonNegativeMoney = money.nonnegative();

export const TradeExecutedSchema = z.object({
  broker: BrokerSchema,
  accountId: z.string().min(1),
  tradeId: z.string().min(1).describe('Kite trade_id / XTS ExecutionID'),
  brokerOrderId: z.string().min(1),
  exchangeOrderId: z.string().min(1).nullable(),
  symbol: z.string().min(1),
  exchange: ExchangeSchema,
  side: SideSchema,
  product: ProductSchema,
  quantity: z.number().int().positive().describe('quantity of this execution (not cumulative)'),
  price: z.number().finite().positive().describe('price of this execution in rupees'),
  tradeTime: z.number().finite().describe('exchange fill time, epoch ms'),
});
export type TradeExecuted = z.infer<typeof TradeExecutedSchema>;

export const PositionUpdatedSchema = z.object({
  broker: BrokerSchema,
  accountId: z.string().min(1),
  symbol: z.string().min(1),
  exchange: ExchangeSchema,
  product: ProductSchema,
  netQuantity: z.number().int().describe('long > 0, short < 0, flat 0'),
  averagePrice: nonNegativeMoney.describe(
    "the open side's day average (buys when long, sells when short); 0 when flat",
  ),
  realizedPnl: money.describe('closed quantity × (day average sell − day average buy)'),
  unrealizedPnl: money.nullable().describe('from lastPrice; null when no price is known'),
  lastPrice: z.number().finite().positive().nullable(),
  dayBuyQuantity: z.number().int().nonnegative(),
  dayBuyValue: nonNegativeMoney,
  daySellQuantity: z.number().int().nonnegative(),
  daySellValue: nonNegativeMoney,
  cause: z
    .enum(['trade', 'price', 'reconciliation', 'square-off'])
    .describe('what moved it: a fill, a price tick, a correction from the broker, MIS square-off'),
});
export type PositionUpdated = z.infer<typeof PositionUpdatedSchema>;

/** Funds of an account, vn.py AccountData style: available = balance - frozen. */
export const AccountUpdatedSchema = z.object({
  broker: BrokerSchema,
  accountId: z.string().min(1),
  segment: z.enum(['equity', 'commodity', 'all']),
  balance: money.describe('net cash and collateral in rupees'),
  frozen: nonNegativeMoney.describe('margin blocked by open orders and positions'),
  available: money.describe('balance - frozen; can be negative after a loss'),
});
export type AccountUpdated = z.infer<typeof AccountUpdatedSchema>;
