import { compileFilter } from './event-filter';

const e = (type: string, userId?: string, accountId?: string) => ({ type, userId, accountId });

describe('compileFilter', () => {
  it('matches everything when empty', () => {
    expect(compileFilter()(e('order.updated'))).toBe(true);
    expect(compileFilter({ types: [], userIds: [] })(e('x.y'))).toBe(true);
    expect(compileFilter({ types: ['*'] })(e('x.y'))).toBe(true);
  });

  it('matches exact types and domain.* prefixes', () => {
    const f = compileFilter({ types: ['order.*', 'trade.executed'] });
    expect(f(e('order.updated'))).toBe(true);
    expect(f(e('order.filled'))).toBe(true);
    expect(f(e('trade.executed'))).toBe(true);
    expect(f(e('orders.updated'))).toBe(false);
    expect(f(e('position.updated'))).toBe(false);
  });

  it('requires every given list to match, and events without a user never match a user filter', () => {
    const f = compileFilter({ types: ['order.*'], userIds: ['demo'], accountIds: ['AB1234', 'JN0001'] });
    expect(f(e('order.updated', 'demo', 'JN0001'))).toBe(true);
    expect(f(e('order.updated', 'demo2', 'JN0001'))).toBe(false);
    expect(f(e('order.updated', 'demo', 'CD5678'))).toBe(false);
    expect(f(e('order.updated'))).toBe(false);
    expect(f(e('trade.executed', 'demo', 'AB1234'))).toBe(false);
  });
});
