import type { PlaceOrderRequest } from './adapter.types';
import { toKiteModifyParams, toKitePlaceParams } from './kite/kite-order-mapping';
import { normalizeKiteOrder, normalizeKiteOrderAck } from './kite/kite-normalize';
import { StaticInstrumentResolver } from './xts/static-instrument-resolver';
import { toXtsCancelQuery, toXtsModifyBody, toXtsPlaceBody } from './xts/xts-order-mapping';
import { normalizeXtsOrder, normalizeXtsOrderAck } from './xts/xts-normalize';

const instruments = new StaticInstrumentResolver([
  { exchange: 'NSE', symbol: 'SBIN', xtsInstrumentId: 3045 },
  { exchange: 'NFO', symbol: 'NIFTY26JAN24000CE', xtsInstrumentId: 40001 },
]);

const base: PlaceOrderRequest = {
  accountId: 'AB1234',
  symbol: 'SBIN',
  exchange: 'NSE',
  side: 'BUY',
  quantity: 10,
  orderType: 'LIMIT',
  product: 'MIS',
  price: 812.35,
  tag: 'strat42',
};

describe('order mapping: ours → Kite', () => {
  it('maps a LIMIT order to regular-variety params', () => {
    expect(toKitePlaceParams(base)).toEqual({
      ok: true,
      value: {
        variety: 'regular',
        params: {
          exchange: 'NSE',
          tradingsymbol: 'SBIN',
          transaction_type: 'BUY',
          quantity: 10,
          product: 'MIS',
          order_type: 'LIMIT',
          validity: 'DAY',
          price: 812.35,
          tag: 'strat42',
        },
      },
    });
  });

  it.each([
    ['MARKET', { price: 5 }, {}],
    ['SL', { price: 100, triggerPrice: 99 }, { price: 100, trigger_price: 99 }],
    ['SL-M', { triggerPrice: 99, price: 3 }, { trigger_price: 99 }],
  ] as const)('sends only the prices a %s order uses', (orderType, prices, expected) => {
    const r = toKitePlaceParams({
      ...base,
      orderType,
      ...prices,
      price: 'price' in prices ? prices.price : undefined,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { price, trigger_price } = r.value.params;
    expect({
      ...(price !== undefined ? { price } : {}),
      ...(trigger_price !== undefined ? { trigger_price } : {}),
    }).toEqual(expected);
  });

  it('refuses what Kite would refuse, naming the field', () => {
    const cases: Array<[Partial<PlaceOrderRequest>, string]> = [
      [{ tag: 'has space' }, 'tag'],
      [{ tag: 'x'.repeat(21) }, 'tag'],
      [{ orderType: 'LIMIT', price: undefined }, 'price'],
      [{ orderType: 'SL', triggerPrice: undefined }, 'triggerPrice'],
      [{ quantity: 0 }, 'quantity'],
      [{ quantity: 1.5 }, 'quantity'],
    ];
    for (const [change, field] of cases) {
      const r = toKitePlaceParams({ ...base, ...change });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toContain(field);
    }
  });

  it('maps a modification to the changed fields only', () => {
    expect(
      toKiteModifyParams({ accountId: 'AB1234', brokerOrderId: '1953367517686685697', price: 800 }),
    ).toEqual({
      ok: true,
      value: { variety: 'regular', orderId: '1953367517686685697', params: { price: 800 } },
    });
    expect(toKiteModifyParams({ accountId: 'AB1234', brokerOrderId: '1' }).ok).toBe(false);
  });
});

describe('order mapping: ours → XTS', () => {
  it('maps segment, instrument, upper-case enums, prices and tag', () => {
    expect(toXtsPlaceBody({ ...base, orderType: 'SL', triggerPrice: 810 }, instruments)).toEqual({
      ok: true,
      value: {
        exchangeSegment: 'NSECM',
        exchangeInstrumentID: 3045,
        productType: 'MIS',
        orderType: 'STOPLIMIT',
        orderSide: 'BUY',
        timeInForce: 'DAY',
        disclosedQuantity: 0,
        orderQuantity: 10,
        limitPrice: 812.35,
        stopPrice: 810,
        orderUniqueIdentifier: 'strat42',
      },
    });
    const nfo = toXtsPlaceBody(
      {
        ...base,
        exchange: 'NFO',
        symbol: 'NIFTY26JAN24000CE',
        orderType: 'SL-M',
        triggerPrice: 5,
        price: undefined,
        quantity: 65,
        product: 'NRML',
      },
      instruments,
      'JN0001',
    );
    expect(nfo).toMatchObject({
      ok: true,
      value: {
        exchangeSegment: 'NSEFO',
        exchangeInstrumentID: 40001,
        orderType: 'STOPMARKET',
        limitPrice: 0,
        stopPrice: 5,
        clientID: 'JN0001',
      },
    });
  });

  it('refuses an instrument it cannot resolve', () => {
    expect(toXtsPlaceBody({ ...base, symbol: 'NOPE' }, instruments)).toEqual({
      ok: false,
      error: 'order: symbol: no XTS instrument for NSE:NOPE',
    });
  });

  it('fills a modification from the current order (XTS wants every field)', () => {
    const current = {
      product: 'MIS',
      orderType: 'LIMIT',
      quantity: 10,
      price: 812.35,
      triggerPrice: 0,
      clientTag: 'strat42',
    } as const;
    expect(
      toXtsModifyBody({ accountId: 'JN0001', brokerOrderId: '1110037830', quantity: 5 }, current),
    ).toEqual({
      ok: true,
      value: {
        appOrderID: 1110037830,
        modifiedProductType: 'MIS',
        modifiedOrderType: 'LIMIT',
        modifiedOrderQuantity: 5,
        modifiedDisclosedQuantity: 0,
        modifiedLimitPrice: 812.35,
        modifiedStopPrice: 0,
        modifiedTimeInForce: 'DAY',
        orderUniqueIdentifier: 'strat42',
      },
    });
    expect(toXtsModifyBody({ accountId: 'JN0001', brokerOrderId: 'abc', quantity: 5 }, current).ok).toBe(
      false,
    );
    expect(toXtsCancelQuery('1110037830', 'strat42')).toEqual({
      ok: true,
      value: { appOrderID: 1110037830, orderUniqueIdentifier: 'strat42' },
    });
  });
});

describe('order mapping: broker → ours', () => {
  it('reads Kite and XTS acks as OrderAck with string ids', () => {
    expect(
      normalizeKiteOrderAck({ order_id: '1953367517686685697' }, { accountId: 'AB1234', clientTag: 't' }),
    ).toEqual({
      ok: true,
      value: { broker: 'zerodha', accountId: 'AB1234', brokerOrderId: '1953367517686685697', clientTag: 't' },
    });
    expect(
      normalizeXtsOrderAck([{ AppOrderID: 1200043151, ClientID: 'RM' }], { accountId: 'JN0001' }),
    ).toEqual({
      ok: true,
      value: { broker: 'jainam', accountId: 'JN0001', brokerOrderId: '1200043151', clientTag: null },
    });
  });

  it('reads back what was sent: Kite update with tag, XTS event with the unique identifier and trimmed reason', () => {
    const kite = normalizeKiteOrder({
      order_id: '1953367517686685697',
      status: 'UPDATE',
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      transaction_type: 'BUY',
      order_type: 'LIMIT',
      product: 'MIS',
      quantity: 10,
      filled_quantity: 4,
      pending_quantity: 6,
      price: 812.35,
      trigger_price: 0,
      average_price: 812.3,
      order_timestamp: '2026-01-05 10:00:00',
      tag: 'strat42',
      user_id: 'AB1234',
    });
    expect(kite).toMatchObject({
      ok: true,
      value: { status: 'PARTIALLY_FILLED', clientTag: 'strat42', pendingQuantity: 6, brokerStatus: 'UPDATE' },
    });
    const xts = normalizeXtsOrder(
      JSON.stringify({
        AppOrderID: 1110037830,
        ClientID: 'JN0001',
        ExchangeOrderID: '1005239196374108',
        ExchangeSegment: 'NSECM',
        ExchangeInstrumentID: 3045,
        OrderSide: 'Buy',
        OrderType: 'Limit',
        ProductType: 'MIS',
        OrderPrice: 812.35,
        OrderQuantity: 225,
        OrderStopPrice: 0,
        OrderStatus: 'Cancelled',
        OrderAverageTradedPrice: '2,853.50',
        LeavesQuantity: 150,
        CumulativeQuantity: 75,
        LastUpdateDateTime: '2025-01-30T14:08:02.0921673',
        CancelRejectReason: '17071 : The order could have resulted in self trade ',
        OrderUniqueIdentifier: 'strat42',
      }),
      { instruments },
    );
    expect(xts).toMatchObject({
      ok: true,
      value: {
        brokerOrderId: '1110037830',
        symbol: 'SBIN',
        exchange: 'NSE',
        side: 'BUY',
        status: 'CANCELLED',
        filledQuantity: 75,
        pendingQuantity: 0,
        averagePrice: 2853.5,
        clientTag: 'strat42',
        statusMessage: '17071 : The order could have resulted in self trade',
      },
    });
  });
});
