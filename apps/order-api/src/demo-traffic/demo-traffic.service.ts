import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { DEMO_USERS, IdentityService, type Principal } from '@fillwire/identity';
import { APP_CONFIG } from '@fillwire/observability';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { PlaceOrderBodySchema } from '../orders/order-request.schema';
import { OrdersService, type PlacedOrderResponse } from '../orders/orders.service';
import { DemoOrderPlan, type DemoAccount, type DemoAction } from './demo-order-plan';

/**
 * `npm start -- --demo-traffic`: a steady stream of sample orders for the demo users, placed,
 * modified and cancelled through OrdersService as `POST|PATCH|DELETE /v1/orders` would (idempotency
 * keys, per-account rate limits, events), so the dashboard has something to show. Demo mode only
 * (the config refuses FILLWIRE_DEMO_TRAFFIC outside it). One action at a time, never overlapping.
 */
@Injectable()
export class DemoTrafficService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DemoTrafficService.name);
  private readonly runId = randomBytes(4).toString('hex');
  private readonly principals = new Map<string, Principal>();
  private plan: DemoOrderPlan | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private sequence = 0;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
    private readonly orders: OrdersService,
    private readonly identity: IdentityService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.FILLWIRE_DEMO || !this.config.FILLWIRE_DEMO_TRAFFIC) return;
    const accounts: DemoAccount[] = DEMO_USERS.flatMap((user) =>
      user.accounts.map((a) => ({ userId: user.id, accountId: a.accountId, broker: a.broker })),
    );
    const seed = randomInt(2 ** 31);
    this.plan = new DemoOrderPlan(accounts, seed);
    this.logger.log(
      {
        accounts: accounts.map((a) => a.accountId),
        intervalMs: this.config.FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS,
        seed,
      },
      'demo traffic on',
    );
    this.schedule();
  }

  /** Before the Redis client and the broker adapters close: no new action, the one in flight finishes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
    if (this.plan) this.logger.log({ actions: this.sequence }, 'demo traffic stopped');
  }

  private schedule(): void {
    const plan = this.plan;
    if (this.stopped || !plan) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.step(plan).finally(() => {
        this.inFlight = null;
        this.schedule();
      });
    }, plan.nextDelayMs(this.config.FILLWIRE_DEMO_TRAFFIC_INTERVAL_MS));
  }

  /** One action; a refusal (rate limit, broker says no, order already done) is part of the show. */
  private async step(plan: DemoOrderPlan): Promise<void> {
    const action = plan.next();
    this.sequence += 1;
    try {
      const principal = await this.principal(action.userId);
      if (!principal) {
        this.logger.warn({ userId: action.userId }, 'demo traffic: demo user has no accounts yet');
        return;
      }
      await this.run(plan, principal, action);
    } catch (error) {
      if (action.kind !== 'place') plan.forget(action.orderId);
      const orderId = action.kind === 'place' ? null : action.orderId;
      if (error instanceof HttpException && error.getStatus() < 500) {
        this.logger.log(
          {
            kind: action.kind,
            orderId,
            accountId: action.accountId,
            status: error.getStatus(),
            reason: error.message,
          },
          'demo order refused',
        );
      } else {
        this.logger.warn(
          { kind: action.kind, orderId, accountId: action.accountId, err: error },
          'demo order failed',
        );
      }
    }
  }

  private async run(plan: DemoOrderPlan, principal: Principal, action: DemoAction): Promise<void> {
    switch (action.kind) {
      case 'place': {
        // The plan's bodies pass the API's own validation, checked here as the controller would.
        const body = PlaceOrderBodySchema.parse(action.body);
        const result = await this.orders.place(principal, body, `demo-${this.runId}-${this.sequence}`);
        const placed = result.body as PlacedOrderResponse;
        plan.placed(action, placed.orderId);
        this.logger.log(
          {
            orderId: placed.orderId,
            eventId: placed.eventId,
            accountId: action.accountId,
            symbol: body.symbol,
            side: body.side,
            orderType: body.orderType,
            quantity: body.quantity,
            price: body.price ?? null,
            stopLoss: body.stopLoss ?? null,
            target: body.target ?? null,
          },
          'demo order placed',
        );
        return;
      }
      case 'modify':
        await this.orders.modify(principal, action.orderId, action.body);
        this.logger.log(
          { orderId: action.orderId, accountId: action.accountId, ...action.body },
          'demo order modified',
        );
        return;
      case 'cancel':
        plan.forget(action.orderId);
        await this.orders.cancel(principal, action.orderId);
        this.logger.log(
          { orderId: action.orderId, accountId: action.accountId },
          'demo order cancel requested',
        );
        return;
    }
  }

  /**
   * The demo user as an authenticated caller, from the seeded identity (the demo API keys may be
   * generated at boot and are never logged, so the accounts are read rather than a key).
   */
  private async principal(userId: string): Promise<Principal | null> {
    const cached = this.principals.get(userId);
    if (cached) return cached;
    const user = DEMO_USERS.find((u) => u.id === userId);
    const accounts = await this.identity.listAccounts(userId);
    if (!user || accounts.length === 0) return null;
    const principal: Principal = { userId, role: user.role, via: 'api-key', keyId: 'demo-traffic', accounts };
    this.principals.set(userId, principal);
    return principal;
  }
}
