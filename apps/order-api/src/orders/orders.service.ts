import { HttpException, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokerError,
  BrokerInputError,
  BrokerTimeoutError,
  type BrokerAdapter,
  type OrderAck,
  type PlaceOrderRequest,
} from '@fillwire/broker-adapters';
import { preciseNow, type CanonicalOrder, type OrderIntent } from '@fillwire/events';
import type { BrokerAccount, Principal } from '@fillwire/identity';
import { BrokerAccountsService } from '../brokers/broker-accounts.service';
import { OrderEventsService } from '../bus/order-events.service';
import { brokerHttpError, notFound, tooManyRequests } from './api-error';
import { clientTagFor, IdempotencyRepository, sha256, type StoredResponse } from './idempotency.repository';
import type { ModifyOrderBody, PlaceOrderBody } from './order-request.schema';
import { OrderRegistryRepository, type PlacedOrder } from './order-registry.repository';
import { RateLimitRepository } from './rate-limit.repository';

/** What `POST /v1/orders` answers (201). */
export interface PlacedOrderResponse {
  orderId: string;
  broker: CanonicalOrder['broker'];
  accountId: string;
  status: 'PENDING';
  symbol: string;
  exchange: CanonicalOrder['exchange'];
  side: CanonicalOrder['side'];
  quantity: number;
  orderType: CanonicalOrder['orderType'];
  product: CanonicalOrder['product'];
  price: number;
  triggerPrice: number;
  clientTag: string | null;
  idempotencyKey: string | null;
  /** Found in the broker's order book after an ambiguous timeout instead of placed again. */
  recovered: boolean;
  eventId: string | null;
  placedAt: string;
}

/** How often and how far apart the order book is searched after a broker timeout. */
const LOOKUP_ATTEMPTS = 3;
const LOOKUP_PAUSE_MS = 250;

/**
 * Order commands: authorisation by account, idempotency, per-account rate limit, the broker call
 * (inline: the caller waits for the broker's order id), and the events. See README "order-api".
 */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly brokers: BrokerAccountsService,
    private readonly idempotency: IdempotencyRepository,
    private readonly rateLimit: RateLimitRepository,
    private readonly registry: OrderRegistryRepository,
    private readonly events: OrderEventsService,
  ) {}

  /** The caller's account, or 404 (another user's account is indistinguishable from none). */
  account(principal: Principal, accountId: string): BrokerAccount {
    const account = principal.accounts.find((a) => a.accountId === accountId);
    if (!account) throw notFound(`no account ${accountId}`);
    return account;
  }

  async place(principal: Principal, body: PlaceOrderBody, idempotencyKey: string | null): Promise<StoredResponse> {
    const receivedAt = preciseNow();
    const account = this.account(principal, body.accountId);
    if (idempotencyKey === null) return this.execute(principal, account, body, null, false, receivedAt);
    const fingerprint = sha256(JSON.stringify(body));
    const claim = await this.idempotency.claim(principal.userId, idempotencyKey, fingerprint);
    switch (claim.kind) {
      case 'done':
        return claim.response;
      case 'mismatch':
        throw new HttpException(
          { statusCode: 422, error: 'Unprocessable Entity', message: 'this Idempotency-Key was used with a different request body' },
          422,
        );
      case 'owner':
        break;
    }
    let response: StoredResponse;
    try {
      response = await this.execute(principal, account, body, idempotencyKey, claim.attempted, receivedAt);
    } catch (error) {
      // Final refusals (the broker said no) are remembered; anything retryable frees the key.
      if (error instanceof HttpException && error.getStatus() === 400) {
        await this.idempotency.complete(principal.userId, idempotencyKey, fingerprint, { status: 400, body: error.getResponse() });
      } else {
        await this.idempotency.release(principal.userId, idempotencyKey);
      }
      throw error;
    }
    await this.idempotency.complete(principal.userId, idempotencyKey, fingerprint, response);
    return response;
  }

  async modify(principal: Principal, orderId: string, body: ModifyOrderBody): Promise<{ orderId: string; status: 'accepted' }> {
    const account = await this.owningAccount(principal, orderId);
    await this.limit(account);
    const ack = await this.broker(account, (a) => a.modifyOrder({ accountId: account.accountId, brokerOrderId: orderId, ...body }));
    this.logger.log({ orderId, accountId: account.accountId }, 'order modified');
    return { orderId: ack.brokerOrderId, status: 'accepted' };
  }

  async cancel(principal: Principal, orderId: string): Promise<{ orderId: string; status: 'accepted' }> {
    const account = await this.owningAccount(principal, orderId);
    await this.limit(account);
    const ack = await this.broker(account, (a) => a.cancelOrder({ accountId: account.accountId, brokerOrderId: orderId }));
    this.logger.log({ orderId, accountId: account.accountId }, 'order cancel requested');
    return { orderId: ack.brokerOrderId, status: 'accepted' };
  }

  /** The account holding this order, if it is one of the caller's; else 404. */
  async owningAccount(principal: Principal, orderId: string): Promise<BrokerAccount> {
    const placed = await this.registry.get(orderId);
    if (placed) {
      if (placed.userId !== principal.userId) throw notFound(`no order ${orderId}`);
      return this.account(principal, placed.accountId);
    }
    // Placed elsewhere (broker terminal, another tool): look in the caller's order books.
    for (const account of principal.accounts) {
      const book = await this.broker(account, (a) => a.getOrderBook());
      if (book.some((o) => o.brokerOrderId === orderId)) return account;
    }
    throw notFound(`no order ${orderId}`);
  }

  private async execute(
    principal: Principal,
    account: BrokerAccount,
    body: PlaceOrderBody,
    idempotencyKey: string | null,
    attempted: boolean,
    receivedAt: number,
  ): Promise<StoredResponse> {
    const clientTag = idempotencyKey !== null ? clientTagFor(principal.userId, idempotencyKey) : (body.tag ?? null);
    const request: PlaceOrderRequest = {
      accountId: account.accountId,
      symbol: body.symbol,
      exchange: body.exchange,
      side: body.side,
      quantity: body.quantity,
      orderType: body.orderType,
      product: body.product,
      price: body.price,
      triggerPrice: body.triggerPrice,
      validity: body.validity,
      ...(clientTag !== null ? { tag: clientTag } : {}),
    };
    const intent: OrderIntent = {
      broker: account.broker,
      accountId: account.accountId,
      symbol: body.symbol,
      exchange: body.exchange,
      side: body.side,
      product: body.product,
      orderType: body.orderType,
      quantity: body.quantity,
      price: body.price ?? 0,
      triggerPrice: body.triggerPrice ?? 0,
      clientTag,
    };
    const rejected = (reason: string, rejectedBy: 'fillwire' | 'broker') =>
      this.events.orderRejected({ intent, order: null, reason, rejectedBy, userId: principal.userId, idempotencyKey }, receivedAt);

    const rate = await this.rateLimit.take(account.broker, account.accountId);
    if (!rate.allowed) {
      const message = `rate limit: at most the broker's order rate per second for account ${account.accountId}`;
      await rejected(message, 'fillwire');
      throw tooManyRequests(message, rate.retryAfterSeconds);
    }

    const started = performance.now();
    let ack: OrderAck | null = null;
    let recovered = false;
    // A previous owner of this key reached the broker and vanished: its order may exist.
    if (attempted && clientTag !== null) {
      ack = await this.findByTag(account, clientTag, 1);
      recovered = ack !== null;
    }
    if (ack === null) {
      if (idempotencyKey !== null) await this.idempotency.markAttempted(principal.userId, idempotencyKey);
      try {
        ack = await this.brokers.call(account, (a) => a.placeOrder(request));
      } catch (error) {
        if (error instanceof BrokerTimeoutError && idempotencyKey !== null && clientTag !== null) {
          ack = await this.findByTag(account, clientTag, LOOKUP_ATTEMPTS);
          recovered = ack !== null;
          this.logger.warn({ accountId: account.accountId, clientTag, recovered }, 'broker timeout on place; looked the order up by tag');
        }
        if (ack === null) {
          if (error instanceof BrokerInputError) await rejected(error.brokerMessage, 'broker');
          if (error instanceof BrokerError) throw brokerHttpError(error);
          throw error;
        }
      }
    }
    const brokerLatencyMs = performance.now() - started;
    const order = pendingOrder(intent, ack.brokerOrderId, ack.clientTag ?? clientTag);
    const eventId = await this.events.orderPlaced(
      {
        order,
        userId: principal.userId,
        idempotencyKey,
        validity: body.validity ?? 'DAY',
        ...(protectionOf(body) ? { protection: protectionOf(body) } : {}),
      },
      receivedAt,
    );
    const placed: PlacedOrder = {
      orderId: ack.brokerOrderId,
      broker: account.broker,
      accountId: account.accountId,
      userId: principal.userId,
      idempotencyKey,
      clientTag: order.clientTag,
      receivedAt,
      brokerLatencyMs,
      eventId,
      ...(protectionOf(body) ? { protection: protectionOf(body) } : {}),
    };
    await this.registry.save(placed);
    this.logger.log({ orderId: placed.orderId, eventId, accountId: account.accountId, recovered }, 'order placed');
    const response: PlacedOrderResponse = {
      orderId: ack.brokerOrderId,
      broker: account.broker,
      accountId: account.accountId,
      status: 'PENDING',
      symbol: order.symbol,
      exchange: order.exchange,
      side: order.side,
      quantity: order.quantity,
      orderType: order.orderType,
      product: order.product,
      price: order.price,
      triggerPrice: order.triggerPrice,
      clientTag: order.clientTag,
      idempotencyKey,
      recovered,
      eventId,
      placedAt: new Date(receivedAt).toISOString(),
    };
    return { status: 201, body: response };
  }

  /** The newest order in the book with this client tag, as an ack; null when none is there. */
  private async findByTag(account: BrokerAccount, clientTag: string, attempts: number): Promise<OrderAck | null> {
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(LOOKUP_PAUSE_MS);
      try {
        const book = await this.brokers.call(account, (a) => a.getOrderBook());
        const found = book.filter((o) => o.clientTag === clientTag).at(-1);
        if (found) return { broker: found.broker, accountId: account.accountId, brokerOrderId: found.brokerOrderId, clientTag };
      } catch (error) {
        this.logger.warn({ err: error, accountId: account.accountId, clientTag }, 'order book lookup failed');
      }
    }
    return null;
  }

  private async limit(account: BrokerAccount): Promise<void> {
    const rate = await this.rateLimit.take(account.broker, account.accountId);
    if (!rate.allowed) throw tooManyRequests(`rate limit for account ${account.accountId}`, rate.retryAfterSeconds);
  }

  /** A broker call whose failures become clear HTTP errors. */
  async broker<T>(account: BrokerAccount, run: (adapter: BrokerAdapter) => Promise<T>): Promise<T> {
    try {
      return await this.brokers.call(account, run);
    } catch (error) {
      if (error instanceof BrokerError) throw brokerHttpError(error);
      throw error;
    }
  }
}

function protectionOf(body: PlaceOrderBody): PlacedOrder['protection'] {
  if (body.stopLoss === undefined && body.target === undefined && body.trailing === undefined) return undefined;
  return {
    ...(body.stopLoss !== undefined ? { stopLoss: body.stopLoss } : {}),
    ...(body.target !== undefined ? { target: body.target } : {}),
    ...(body.trailing !== undefined ? { trailing: body.trailing } : {}),
  };
}

/** The order as the broker has just accepted it: PENDING, nothing filled. */
function pendingOrder(intent: OrderIntent, brokerOrderId: string, clientTag: string | null): CanonicalOrder {
  return {
    broker: intent.broker,
    accountId: intent.accountId,
    brokerOrderId,
    exchangeOrderId: null,
    clientTag,
    symbol: intent.symbol,
    exchange: intent.exchange,
    side: intent.side,
    product: intent.product,
    orderType: intent.orderType,
    quantity: intent.quantity,
    price: intent.price,
    triggerPrice: intent.triggerPrice,
    filledQuantity: 0,
    pendingQuantity: intent.quantity,
    averagePrice: 0,
    status: 'PENDING',
    statusMessage: null,
    brokerStatus: intent.broker === 'jainam' ? 'PendingNew' : 'PUT ORDER REQ RECEIVED',
    brokerTimestamp: null,
    exchangeTimestamp: null,
  };
}
