import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Principal } from '@fillwire/identity';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiKeyGuard } from '../identity/api-key.guard';
import { CurrentPrincipal } from '../identity/current-principal';
import { validationError } from './api-error';
import { HttpExceptionFilter } from './http-exception.filter';
import { OrderQueriesService } from './order-queries.service';
import { IdempotencyKeySchema, ModifyOrderBodySchema, OrderIdSchema, PlaceOrderBodySchema } from './order-request.schema';
import { OrdersService } from './orders.service';

const AccountQuerySchema = z.object({ accountId: z.string().min(1).max(64).optional() });

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, what);
  return parsed.data;
}

/** The native API: thin — validate, then the services decide. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@UseFilters(HttpExceptionFilter)
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly queries: OrderQueriesService,
  ) {}

  @Post('orders')
  async place(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const key = idempotencyKey === undefined ? null : parse(IdempotencyKeySchema, idempotencyKey, 'Idempotency-Key header');
    const order = parse(PlaceOrderBodySchema, body, 'order');
    const result = await this.orders.place(principal, order, key);
    res.status(result.status);
    return result.body;
  }

  @Patch('orders/:id')
  modify(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.orders.modify(principal, parse(OrderIdSchema, id, 'order id'), parse(ModifyOrderBodySchema, body, 'modification'));
  }

  @Delete('orders/:id')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.orders.cancel(principal, parse(OrderIdSchema, id, 'order id'));
  }

  @Get('orders')
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return { orders: await this.queries.listOrders(principal, parse(AccountQuerySchema, query, 'query').accountId) };
  }

  @Get('orders/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.queries.getOrder(principal, parse(OrderIdSchema, id, 'order id'));
  }

  @Get('trades')
  async trades(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return { trades: await this.queries.listTrades(principal, parse(AccountQuerySchema, query, 'query').accountId) };
  }

  @Get('positions')
  async positions(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return { positions: await this.queries.listPositions(principal, parse(AccountQuerySchema, query, 'query').accountId) };
  }
}
