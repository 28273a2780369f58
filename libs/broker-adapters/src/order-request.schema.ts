import { z } from 'zod';
import { ExchangeSchema, OrderTypeSchema, ProductSchema, SideSchema } from '@fillwire/events';
import type { ModifyOrderRequest, PlaceOrderRequest } from './adapter.types';
import { describeIssues } from './parsing/broker-fields';
import { fail, ok, type Result } from './result';

/** Kite: tag alphanumeric, ≤ 20; XTS orderUniqueIdentifier ≤ 20. The stricter rule serves both. */
export const ORDER_TAG = /^[A-Za-z0-9]{1,20}$/;

const price = z.number().finite().nonnegative();

export const PlaceOrderRequestSchema = z
  .object({
    accountId: z.string().min(1),
    symbol: z.string().trim().min(1).max(64),
    exchange: ExchangeSchema,
    side: SideSchema,
    quantity: z.number().int().positive(),
    orderType: OrderTypeSchema,
    product: ProductSchema,
    price: price.optional(),
    triggerPrice: price.optional(),
    validity: z.enum(['DAY', 'IOC']).optional(),
    disclosedQuantity: z.number().int().nonnegative().optional(),
    tag: z.string().regex(ORDER_TAG, 'tag must be 1-20 letters or digits').optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.orderType === 'LIMIT' || r.orderType === 'SL') && !(r.price !== undefined && r.price > 0)) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: `a ${r.orderType} order needs a price > 0` });
    }
    if (
      (r.orderType === 'SL' || r.orderType === 'SL-M') &&
      !(r.triggerPrice !== undefined && r.triggerPrice > 0)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['triggerPrice'],
        message: `a ${r.orderType} order needs a triggerPrice > 0`,
      });
    }
    if (r.disclosedQuantity !== undefined && r.disclosedQuantity > r.quantity) {
      ctx.addIssue({ code: 'custom', path: ['disclosedQuantity'], message: 'cannot exceed quantity' });
    }
  });

export const ModifyOrderRequestSchema = z
  .object({
    accountId: z.string().min(1),
    brokerOrderId: z.string().trim().min(1).max(64),
    orderType: OrderTypeSchema.optional(),
    quantity: z.number().int().positive().optional(),
    price: price.optional(),
    triggerPrice: price.optional(),
    validity: z.enum(['DAY', 'IOC']).optional(),
    disclosedQuantity: z.number().int().nonnegative().optional(),
  })
  .refine(
    (r) =>
      [r.orderType, r.quantity, r.price, r.triggerPrice, r.validity, r.disclosedQuantity].some(
        (v) => v !== undefined,
      ),
    { message: 'a modification must change at least one field' },
  );

export function validatePlaceRequest(input: unknown): Result<PlaceOrderRequest> {
  const parsed = PlaceOrderRequestSchema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail(describeIssues(parsed.error, 'order'));
}

export function validateModifyRequest(input: unknown): Result<ModifyOrderRequest> {
  const parsed = ModifyOrderRequestSchema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail(describeIssues(parsed.error, 'modification'));
}
