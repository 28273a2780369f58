import { startBrokerSim, type BrokerSim } from '@fillwire/broker-sim';
import { wallNow } from './ingest-harness';
import { pace } from './pacer';

/*
 * The XTS feed of the ingest-xts suite, in its own process (forked by the suite) so the load
 * generator shares no event loop with the gateway or the reader: the broker simulator in-process,
 * and paced `order` events pushed straight to the user's sockets (emitRaw), no admin HTTP hop.
 */

export type ToFeeder = { type: 'step'; base: number; rate: number; durationMs: number } | { type: 'stop' };
export type FromFeeder =
  | { type: 'ready'; xtsUrl: string }
  /** sentAt[i]: wall clock of the emit of AppOrderID base + i; failed: emits that reached no socket. */
  | { type: 'done'; sentAt: number[]; failed: number; achievedRate: number }
  | { type: 'error'; message: string };

/** A real XTS socket `order` payload (shared/fixtures/xts/xts_socket_order_event_pendingnew.json) on SBIN. */
const ORDER_EVENT = {
  LoginID: 'XXXXXX',
  ClientID: 'XXXX',
  AppOrderID: 1110037830,
  OrderReferenceID: '',
  GeneratedBy: 'TWSAPI',
  ExchangeOrderID: '',
  OrderCategoryType: 'NORMAL',
  ExchangeSegment: 'NSECM',
  ExchangeInstrumentID: 3045,
  OrderSide: 'Sell',
  OrderType: 'StopMarket',
  ProductType: 'MIS',
  TimeInForce: 'DAY',
  OrderPrice: 0,
  OrderQuantity: 46,
  OrderStopPrice: 2148.35,
  OrderStatus: 'PendingNew',
  OrderAverageTradedPrice: '',
  LeavesQuantity: 46,
  CumulativeQuantity: 0,
  OrderDisclosedQuantity: 0,
  OrderGeneratedDateTime: '2025-01-01T10:00:15.237162',
  ExchangeTransactTime: '2025-01-01T10:00:15.237162+05:30',
  LastUpdateDateTime: '2025-01-01T10:00:15.237162',
  OrderExpiryDate: '1980-01-01T00:00:00',
  CancelRejectReason: '',
  OrderUniqueIdentifier: 'zaooZdki',
  OrderLegStatus: 'SingleOrderLeg',
  IsSpread: false,
  BoLegDetails: 0,
  BoEntryOrderId: '',
  OrderAverageTradedPriceAPI: 'NaN',
  OrderSideAPI: 'SELL',
  OrderGeneratedDateTimeAPI: '01-01-2025 10:00:15',
  ExchangeTransactTimeAPI: '01-01-2025 10:00:15',
  LastUpdateDateTimeAPI: '01-01-2025 10:00:15',
  OrderExpiryDateAPI: '01-01-1980 00:00:00',
  AlgoID: '',
  AlgoCategory: 0,
  MessageSynchronizeUniqueKey: 'XXXXXX',
  MessageCode: 9004,
  MessageVersion: 4,
  TokenID: 0,
  ApplicationType: 146,
  SequenceNumber: 1578799396766893,
  TradingSymbol: 'SBIN',
};

/** The payload (a JSON string, as XTS sends it) of a new order with this AppOrderID. */
export function orderEventPayload(appOrderId: number): string {
  return JSON.stringify({ ...ORDER_EVENT, AppOrderID: appOrderId, OrderUniqueIdentifier: `b${appOrderId}` });
}

const XTS_USER = 'JN0001';

async function feeder(): Promise<void> {
  const send = (message: FromFeeder): void => void process.send?.(message);
  let sim: BrokerSim;
  try {
    sim = await startBrokerSim({
      kitePort: 0,
      xtsPort: 0,
      tickMs: 0,
      xtsRateLimit: false,
      kiteRateLimit: false,
      // Nobody listens there: this run has no Kite side.
      postbackUrl: 'http://127.0.0.1:9/',
    });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  process.on('message', (message: ToFeeder) => {
    if (message.type === 'stop') {
      void sim.close().finally(() => process.exit(0));
      return;
    }
    const { base, rate, durationMs } = message;
    const sentAt: number[] = [];
    let failed = 0;
    void pace({
      rate,
      durationMs,
      send: (i) => {
        const payload = orderEventPayload(base + i);
        sentAt[i] = wallNow();
        if (sim.xts.emitRaw(XTS_USER, 'order', payload) === 0) failed += 1;
      },
    }).then((report) => send({ type: 'done', sentAt, failed, achievedRate: report.achievedRate }));
  });
  // The parent going away must not leave the simulator running.
  process.once('disconnect', () => void sim.close().finally(() => process.exit(0)));
  send({ type: 'ready', xtsUrl: sim.xts.url });
}

if (require.main === module) void feeder();
