import { ORDER_TAG } from '@fillwire/broker-adapters';
import { ExchangeSchema, OrderTypeSchema, ProductSchema, ProtectionSchema, SideSchema } from '@fillwire/events';
import { z } from 'zod';

const price = z.number().finite().nonnegative();

/** `POST /v1/orders` (architecture brief, native order body). */
export const PlaceOrderBodySchema = z
  .strictObject({
    accountId: z.string().min(1).max(64).describe('a broker account linked to the caller (AB1234, JN0001)'),
    symbol: z.string().trim().min(1).max(64).describe('trading symbol, e.g. SBIN'),
    exchange: ExchangeSchema,
    side: SideSchema,
    quantity: z.number().int().positive().describe('in units (shares, contracts), not lots'),
    orderType: OrderTypeSchema,
    product: ProductSchema,
    price: price.optional().describe('limit price in rupees (LIMIT and SL)'),
    triggerPrice: price.optional().describe('trigger price in rupees (SL and SL-M)'),
    validity: z.enum(['DAY', 'IOC']).optional().describe('default DAY'),
    tag: z
      .string()
      .regex(ORDER_TAG, 'tag must be 1-20 letters or digits')
      .optional()
      .describe('your label; with an Idempotency-Key the broker tag is derived from the key instead'),
    ...ProtectionSchema.shape,
  })
  .superRefine((r, ctx) => {
    if ((r.orderType === 'LIMIT' || r.orderType === 'SL') && !(r.price !== undefined && r.price > 0)) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: `a ${r.orderType} order needs a price > 0` });
    }
    if ((r.orderType === 'SL' || r.orderType === 'SL-M') && !(r.triggerPrice !== undefined && r.triggerPrice > 0)) {
      ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `a ${r.orderType} order needs a triggerPrice > 0` });
    }
    if (r.orderType === 'MARKET' && r.price !== undefined && r.price > 0) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'a MARKET order takes no price' });
    }
    if (r.stopLoss !== undefined && r.target !== undefined) {
      const wrong = r.side === 'BUY' ? r.stopLoss >= r.target : r.stopLoss <= r.target;
      if (wrong) {
        ctx.addIssue({
          code: 'custom',
          path: ['stopLoss'],
          message: `for a ${r.side} entry the stop-loss must be ${r.side === 'BUY' ? 'below' : 'above'} the target`,
        });
      }
    }
  });
export type PlaceOrderBody = z.infer<typeof PlaceOrderBodySchema>;

/** `PATCH /v1/orders/:id`: what to change; absent fields keep their value. */
export const ModifyOrderBodySchema = z
  .strictObject({
    quantity: z.number().int().positive().optional(),
    price: price.optional(),
    triggerPrice: price.optional(),
    orderType: OrderTypeSchema.optional(),
    validity: z.enum(['DAY', 'IOC']).optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), { message: 'change at least one field' });
export type ModifyOrderBody = z.infer<typeof ModifyOrderBodySchema>;

/** Any printable ASCII, as Stripe and the IETF draft allow; scoped per user. */
export const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1-255 printable characters');

export const OrderIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an order id');
