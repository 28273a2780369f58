import { Body, Controller, HttpCode, HttpException, Post, UseFilters } from '@nestjs/common';
import { toOpenAlgoOrderStatus, type CanonicalOrder } from '@fillwire/events';
import { IdentityService, type Principal } from '@fillwire/identity';
import type { z } from 'zod';
import { OrderQueriesService } from '../orders/order-queries.service';
import { OrdersService } from '../orders/orders.service';
import { OpenAlgoExceptionFilter } from './openalgo-exception.filter';
import { OaBookSchema, OaModifyOrderSchema, OaOrderIdSchema, OaPlaceOrderSchema } from './openalgo.schema';

const oaError = (status: number, message: string) => new HttpException({ status: 'error', message }, status);

/** OpenAlgo strategy names are free text; the broker tag takes ≤ 20 letters and digits. */
const strategyTag = (strategy: string): string | undefined => strategy.replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || undefined;

const oaOrder = (o: CanonicalOrder) => ({
  orderid: o.brokerOrderId,
  symbol: o.symbol,
  exchange: o.exchange,
  action: o.side,
  quantity: o.quantity,
  price: o.price,
  trigger_price: o.triggerPrice,
  pricetype: o.orderType,
  product: o.product,
  order_status: toOpenAlgoOrderStatus(o.status),
  average_price: o.averagePrice,
  timestamp: o.brokerTimestamp ? new Date(o.brokerTimestamp).toISOString() : null,
});

/**
 * OpenAlgo-compatible `/api/v1/*`: `apikey` in the JSON body, OpenAlgo's field names, defaults and
 * `{status: "success"|"error", ...}` replies, so an OpenAlgo script works by changing the host.
 */
@Controller('api/v1')
@UseFilters(OpenAlgoExceptionFilter)
export class OpenAlgoController {
  constructor(
    private readonly identity: IdentityService,
    private readonly orders: OrdersService,
    private readonly queries: OrderQueriesService,
  ) {}

  @Post('placeorder')
  @HttpCode(200)
  async placeorder(@Body() body: unknown) {
    const req = this.parse(OaPlaceOrderSchema, body);
    const principal = await this.principal(req.apikey);
    const accountId = req.accountId ?? this.defaultAccount(principal);
    const tag = strategyTag(req.strategy);
    const { body: placed } = await this.orders.place(
      principal,
      {
        accountId,
        symbol: req.symbol,
        exchange: req.exchange,
        side: req.action,
        quantity: req.quantity,
        orderType: req.pricetype,
        product: req.product,
        ...(req.pricetype === 'LIMIT' || req.pricetype === 'SL' ? { price: req.price } : {}),
        ...(req.pricetype === 'SL' || req.pricetype === 'SL-M' ? { triggerPrice: req.trigger_price } : {}),
        ...(tag ? { tag } : {}),
      },
      null,
    );
    return { status: 'success', orderid: (placed as { orderId: string }).orderId };
  }

  @Post('modifyorder')
  @HttpCode(200)
  async modifyorder(@Body() body: unknown) {
    const req = this.parse(OaModifyOrderSchema, body);
    const principal = await this.principal(req.apikey);
    const result = await this.orders.modify(principal, req.orderid, {
      orderType: req.pricetype,
      quantity: req.quantity,
      price: req.price,
      triggerPrice: req.trigger_price,
    });
    return { status: 'success', orderid: result.orderId };
  }

  @Post('cancelorder')
  @HttpCode(200)
  async cancelorder(@Body() body: unknown) {
    const req = this.parse(OaOrderIdSchema, body);
    const result = await this.orders.cancel(await this.principal(req.apikey), req.orderid);
    return { status: 'success', orderid: result.orderId };
  }

  @Post('orderstatus')
  @HttpCode(200)
  async orderstatus(@Body() body: unknown) {
    const req = this.parse(OaOrderIdSchema, body);
    const order = await this.queries.getOrder(await this.principal(req.apikey), req.orderid);
    return { status: 'success', data: oaOrder(order) };
  }

  @Post('orderbook')
  @HttpCode(200)
  async orderbook(@Body() body: unknown) {
    const req = this.parse(OaBookSchema, body);
    const orders = (await this.queries.listOrders(await this.principal(req.apikey), req.accountId)).map(oaOrder);
    const count = (f: (o: (typeof orders)[number]) => boolean) => orders.filter(f).length;
    return {
      status: 'success',
      data: {
        orders,
        statistics: {
          total_buy_orders: count((o) => o.action === 'BUY'),
          total_sell_orders: count((o) => o.action === 'SELL'),
          total_completed_orders: count((o) => o.order_status === 'complete'),
          total_open_orders: count((o) => o.order_status === 'open' || o.order_status === 'trigger pending'),
          total_rejected_orders: count((o) => o.order_status === 'rejected'),
        },
      },
    };
  }

  @Post('tradebook')
  @HttpCode(200)
  async tradebook(@Body() body: unknown) {
    const req = this.parse(OaBookSchema, body);
    const trades = await this.queries.listTrades(await this.principal(req.apikey), req.accountId);
    return {
      status: 'success',
      data: trades.map((t) => ({
        orderid: t.brokerOrderId,
        symbol: t.symbol,
        exchange: t.exchange,
        action: t.side,
        product: t.product,
        quantity: t.quantity,
        average_price: t.price,
        trade_value: Math.round(t.quantity * t.price * 100) / 100,
        timestamp: 'time' in t ? t.time : t.tradeTimestamp,
      })),
    };
  }

  @Post('positionbook')
  @HttpCode(200)
  async positionbook(@Body() body: unknown) {
    const req = this.parse(OaBookSchema, body);
    const positions = await this.queries.listPositions(await this.principal(req.apikey), req.accountId);
    return {
      status: 'success',
      data: positions.map((p) => ({
        symbol: p.symbol,
        exchange: p.exchange,
        product: p.product,
        quantity: p.netQuantity,
        average_price: p.averagePrice ?? 0,
      })),
    };
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
    const parsed = schema.safeParse(body ?? {});
    if (parsed.success) return parsed.data;
    throw oaError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }

  private async principal(apikey: string): Promise<Principal> {
    const principal = await this.identity.authenticate(apikey);
    if (!principal) throw oaError(403, 'Invalid openalgo apikey');
    return principal;
  }

  private defaultAccount(principal: Principal): string {
    const first = principal.accounts[0];
    if (!first) throw oaError(400, 'no broker account is linked to this API key');
    return first.accountId;
  }
}
