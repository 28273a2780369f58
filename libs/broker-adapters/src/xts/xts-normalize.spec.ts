import { normalizeXtsOrder } from './xts-normalize';

/** A socket `order` event (9004) as XTS sends it: a JSON string, PascalCase, numbers as text. */
const event = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    ClientID: 'JN0001',
    AppOrderID: 648468730,
    ExchangeOrderID: '1005239196374108',
    ExchangeSegment: 'NSECM',
    ExchangeInstrumentID: 16921,
    OrderSide: 'BUY',
    OrderType: 'Limit',
    ProductType: 'NRML',
    OrderPrice: 254.55,
    OrderQuantity: 15,
    OrderStopPrice: 0,
    OrderStatus: 'New',
    OrderAverageTradedPrice: '',
    OrderAverageTradedPriceAPI: 'NaN',
    LeavesQuantity: 15,
    CumulativeQuantity: 0,
    LastUpdateDateTime: '14-05-2021 11:17:29',
    ...fields,
  });

describe('normalizeXtsOrder: quantities and average price', () => {
  it('an order with nothing traded has no average price and all of it pending, whatever the row says', () => {
    // The XTS docs' order book sample: 15 ordered, none traded, "1 left" at an average of 250.40.
    const r = normalizeXtsOrder(event({ OrderAverageTradedPrice: 250.4, LeavesQuantity: 1 }));
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'OPEN', quantity: 15, filledQuantity: 0, pendingQuantity: 15, averagePrice: 0 },
    });
  });

  it('a partial fill keeps its average and leaves the rest pending', () => {
    const r = normalizeXtsOrder(
      event({
        OrderStatus: 'PartiallyFilled',
        CumulativeQuantity: 6,
        LeavesQuantity: 9,
        OrderAverageTradedPrice: '2,147.50',
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'PARTIALLY_FILLED', filledQuantity: 6, pendingQuantity: 9, averagePrice: 2147.5 },
    });
  });

  it('falls back to OrderAverageTradedPriceAPI when the text average is empty', () => {
    const r = normalizeXtsOrder(
      event({ OrderStatus: 'PartiallyFilled', CumulativeQuantity: 6, OrderAverageTradedPriceAPI: 254.5 }),
    );
    expect(r).toMatchObject({ ok: true, value: { averagePrice: 254.5, pendingQuantity: 9 } });
  });

  it('a cancel after a partial fill keeps the fill and has nothing pending (LeavesQuantity is not zeroed)', () => {
    const r = normalizeXtsOrder(
      event({
        OrderStatus: 'Cancelled',
        CumulativeQuantity: 6,
        LeavesQuantity: 9,
        OrderAverageTradedPrice: '254.50',
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'CANCELLED', filledQuantity: 6, pendingQuantity: 0, averagePrice: 254.5 },
    });
  });

  it('an unreadable LeavesQuantity (no longer used) does not lose the update', () => {
    const r = normalizeXtsOrder(event({ LeavesQuantity: 'n/a' }));
    expect(r).toMatchObject({ ok: true, value: { pendingQuantity: 15 } });
  });

  it('still refuses a negative average price', () => {
    const r = normalizeXtsOrder(event({ OrderAverageTradedPrice: -1 }));
    expect(r).toMatchObject({ ok: false });
  });
});
