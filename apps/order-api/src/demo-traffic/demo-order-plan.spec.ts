import { ModifyOrderBodySchema, PlaceOrderBodySchema } from '../orders/order-request.schema';
import { DEMO_INSTRUMENTS, DemoOrderPlan, type DemoAccount, type DemoAction } from './demo-order-plan';

const ACCOUNTS: DemoAccount[] = [
  { userId: 'demo', accountId: 'AB1234', broker: 'zerodha' },
  { userId: 'demo', accountId: 'JN0001', broker: 'jainam' },
  { userId: 'demo2', accountId: 'CD5678', broker: 'zerodha' },
];

/** Runs the plan as the service does: every placement is taken by the broker with a fresh id. */
function run(seed: number, steps: number): DemoAction[] {
  const plan = new DemoOrderPlan(ACCOUNTS, seed);
  const actions: DemoAction[] = [];
  for (let i = 0; i < steps; i++) {
    const action = plan.next();
    actions.push(action);
    if (action.kind === 'place') plan.placed(action, `order-${i}`);
  }
  return actions;
}

const places = (actions: DemoAction[]) => actions.flatMap((a) => (a.kind === 'place' ? [a] : []));
const onTick = (price: number, tick: number) => Math.abs(Math.round(price / tick) * tick - price) < 1e-6;

describe('DemoOrderPlan', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(run(42, 300)).toEqual(run(42, 300));
    expect(run(42, 300)).not.toEqual(run(43, 300));
    const a = new DemoOrderPlan(ACCOUNTS, 7);
    const b = new DemoOrderPlan(ACCOUNTS, 7);
    expect([1, 2, 3].map(() => a.nextDelayMs(1500))).toEqual([1, 2, 3].map(() => b.nextDelayMs(1500)));
  });

  it('spaces steps between 2/3 and 4/3 of the mean interval', () => {
    const plan = new DemoOrderPlan(ACCOUNTS, 1);
    const delays = Array.from({ length: 500 }, () => plan.nextDelayMs(1500));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('only produces bodies the API accepts, on the tick, for the demo accounts', () => {
    const actions = run(2024, 2000);
    for (const action of actions) {
      expect(ACCOUNTS.some((a) => a.userId === action.userId && a.accountId === action.accountId)).toBe(true);
      if (action.kind === 'cancel') continue;
      const schema = action.kind === 'place' ? PlaceOrderBodySchema : ModifyOrderBodySchema;
      const parsed = schema.safeParse(action.body);
      expect([action, parsed.success]).toEqual([action, true]);
    }
    for (const { body } of places(actions)) {
      const instrument = DEMO_INSTRUMENTS.find(
        (i) => i.symbol === body.symbol && i.exchange === body.exchange,
      );
      expect(instrument).toBeDefined();
      expect(body.quantity % instrument!.lot).toBe(0);
      for (const price of [body.price, body.stopLoss, body.target]) {
        if (price !== undefined)
          expect([body.symbol, price, onTick(price, instrument!.tick)]).toEqual([body.symbol, price, true]);
      }
    }
  });

  it('mixes market and limit orders, instruments, accounts, protection, modifies and cancels', () => {
    const actions = run(99, 2000);
    const placed = places(actions);
    const share = (n: number) => n / actions.length;
    expect(share(placed.length)).toBeGreaterThan(0.6);
    expect(share(actions.filter((a) => a.kind === 'modify').length)).toBeGreaterThan(0.05);
    expect(share(actions.filter((a) => a.kind === 'cancel').length)).toBeGreaterThan(0.05);
    expect(new Set(placed.map((a) => a.body.orderType))).toEqual(new Set(['MARKET', 'LIMIT']));
    expect(new Set(placed.map((a) => a.accountId))).toEqual(new Set(['AB1234', 'JN0001', 'CD5678']));
    expect(new Set(placed.map((a) => a.body.symbol)).size).toBe(DEMO_INSTRUMENTS.length);
    expect(
      placed.filter((a) => a.body.stopLoss !== undefined && a.body.target !== undefined).length,
    ).toBeGreaterThan(100);
    // Resting limits sit on the passive side; marketable ones cross the price.
    const limits = placed.filter((a) => a.body.orderType === 'LIMIT');
    const passive = limits.filter((a) => {
      const ref = DEMO_INSTRUMENTS.find((i) => i.symbol === a.body.symbol)!.price;
      return a.body.side === 'BUY' ? a.body.price! < ref : a.body.price! > ref;
    });
    expect(passive.length).toBeGreaterThan(limits.length * 0.4);
    expect(passive.length).toBeLessThan(limits.length * 0.8);
  });

  it('trades options on Zerodha accounts only, never sells options short on purpose', () => {
    const placed = places(run(5, 3000));
    const options = placed.filter((a) => a.body.exchange === 'NFO');
    expect(options.length).toBeGreaterThan(100);
    expect(options.every((a) => a.accountId !== 'JN0001')).toBe(true);
    const net = new Map<string, number>();
    for (const a of placed.filter((p) => p.body.orderType === 'MARKET')) {
      const key = `${a.accountId}|${a.body.symbol}`;
      const before = net.get(key) ?? 0;
      if (a.body.exchange === 'NFO' && before <= 0) expect(a.body.side).toBe('BUY');
      net.set(key, before + (a.body.side === 'BUY' ? a.body.quantity : -a.body.quantity));
    }
    // Market orders turn back before an equity position runs past 20 lots either way.
    for (const [key, quantity] of net)
      if (!key.includes('NIFTY')) expect([key, Math.abs(quantity) <= 40]).toEqual([key, true]);
  });

  it('modifies and cancels only resting orders it placed, and stops once one is forgotten', () => {
    const plan = new DemoOrderPlan(ACCOUNTS, 11);
    const placedIds = new Set<string>();
    const forgotten = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const action = plan.next();
      if (action.kind === 'place') {
        plan.placed(action, `o${i}`);
        placedIds.add(`o${i}`);
        continue;
      }
      expect(placedIds.has(action.orderId)).toBe(true);
      expect(forgotten.has(action.orderId)).toBe(false);
      if (action.kind === 'modify' && i % 3 === 0) {
        // The service forgets an order the broker says is done.
        plan.forget(action.orderId);
        forgotten.add(action.orderId);
      }
      if (action.kind === 'cancel') forgotten.add(action.orderId);
      expect(plan.restingOrderIds.length).toBeLessThanOrEqual(8);
    }
  });

  it('moves a modified limit towards the price', () => {
    const plan = new DemoOrderPlan(ACCOUNTS, 3);
    const limits = new Map<string, { price: number; reference: number }>();
    let modifies = 0;
    for (let i = 0; i < 500; i++) {
      const action = plan.next();
      if (action.kind === 'place') {
        plan.placed(action, `o${i}`);
        const { body } = action;
        const reference = DEMO_INSTRUMENTS.find((s) => s.symbol === body.symbol)!.price;
        if (body.price !== undefined) limits.set(`o${i}`, { price: body.price, reference });
        continue;
      }
      if (action.kind !== 'modify') continue;
      modifies += 1;
      const limit = limits.get(action.orderId)!;
      const price = action.body.price!;
      expect(Math.abs(price - limit.reference)).toBeLessThanOrEqual(Math.abs(limit.price - limit.reference));
      limit.price = price;
    }
    expect(modifies).toBeGreaterThan(20);
  });
});
