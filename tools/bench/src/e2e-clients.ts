import WebSocket from 'ws';
import { wallNow } from './ingest-harness';

/*
 * The screens of the e2e suite, in their own process (forked by the suite) so that receiving
 * shares no event loop with the load or the services: one WebSocket per broker account on the
 * notifier, subscribed to that account's orders and positions, noting when each frame arrived.
 */

export interface ClientSpec {
  apiKey: string;
  accountId: string;
}

export type ToClients =
  | { type: 'open'; url: string; clients: ClientSpec[] }
  | { type: 'progress' }
  | { type: 'collect' }
  | { type: 'stop' };

/** Position frames of one account and symbol: its day buy quantity as shown, and when each frame arrived. */
export interface PositionTrail {
  qty: number[];
  at: number[];
  /** When its event went on the log (the entry id's ms): splits the latency into hops. */
  log: number[];
}

export interface Collected {
  /** First order_update per broker order id since the last collect, when it arrived, and its log entry's ms. */
  orders: { ids: string[]; at: number[]; log: number[] };
  /** By `<accountId>|<symbol>`. */
  positions: Record<string, PositionTrail>;
  /** order_update frames for an order id already seen in this window. */
  duplicates: number;
}

export type FromClients =
  | { type: 'opened'; open: number; failed: string[] }
  | { type: 'progress'; orders: number; positions: Record<string, number>; closed: number }
  | ({ type: 'collected' } & Collected)
  | { type: 'error'; message: string };

const ORDER_ID = /"orderid":"([^"]+)"/;
const ENTRY_MS = /^\{"event":"[a-z_]+","id":"(\d+)-/;
const ACCOUNT_ID = /"accountId":"([^"]+)"/;
const SYMBOL = /"symbol":"([^"]+)"/;
const DAY_BUY = /"dayBuyQuantity":(\d+)/;

export const positionKey = (accountId: string, symbol: string): string => `${accountId}|${symbol}`;

/** What one frame means for the measurement; a regex instead of JSON.parse keeps this process light. */
export function readFrame(
  text: string,
):
  | { kind: 'order'; orderId: string; log: number }
  | { kind: 'position'; key: string; qty: number; log: number }
  | { kind: 'other' } {
  const log = Number(ENTRY_MS.exec(text)?.[1] ?? Number.NaN);
  if (text.startsWith('{"event":"order_update"')) {
    const id = ORDER_ID.exec(text)?.[1];
    return id ? { kind: 'order', orderId: id, log } : { kind: 'other' };
  }
  if (text.startsWith('{"event":"position_update"')) {
    const account = ACCOUNT_ID.exec(text)?.[1];
    const symbol = SYMBOL.exec(text)?.[1];
    const qty = DAY_BUY.exec(text)?.[1];
    return account && symbol && qty
      ? { kind: 'position', key: positionKey(account, symbol), qty: Number(qty), log }
      : { kind: 'other' };
  }
  return { kind: 'other' };
}

const textOf = (raw: WebSocket.RawData): string =>
  (Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw)).toString('utf8');

function clientsProcess(): void {
  const sockets: WebSocket[] = [];
  let orders = new Map<string, number>();
  let orderLog = new Map<string, number>();
  let positions: Record<string, PositionTrail> = {};
  const highest: Record<string, number> = {};
  let duplicates = 0;
  let closed = 0;
  const send = (message: FromClients): void => void process.send?.(message);

  const onFrame = (raw: WebSocket.RawData): void => {
    const at = wallNow();
    const frame = readFrame(textOf(raw));
    if (frame.kind === 'order') {
      if (orders.has(frame.orderId)) duplicates++;
      else {
        orders.set(frame.orderId, at);
        orderLog.set(frame.orderId, frame.log);
      }
    } else if (frame.kind === 'position') {
      const trail = (positions[frame.key] ??= { qty: [], at: [], log: [] });
      trail.qty.push(frame.qty);
      trail.at.push(at);
      trail.log.push(frame.log);
      highest[frame.key] = Math.max(highest[frame.key] ?? 0, frame.qty);
    }
  };

  const open = (url: string, spec: ClientSpec): Promise<boolean> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${url}?token=${encodeURIComponent(spec.apiKey)}`);
      let subscribed = false;
      ws.on('open', () =>
        ws.send(
          JSON.stringify({
            action: 'subscribe',
            channels: ['orders', 'positions'],
            accounts: [spec.accountId],
          }),
        ),
      );
      ws.on('message', (raw: WebSocket.RawData) => {
        if (subscribed) return onFrame(raw);
        if (textOf(raw).startsWith('{"event":"subscribed"')) {
          subscribed = true;
          resolve(true);
        }
      });
      ws.on('error', () => resolve(false));
      ws.on('close', () => {
        if (subscribed) closed++;
        resolve(false);
      });
      sockets.push(ws);
    });

  process.on('message', (message: ToClients) => {
    switch (message.type) {
      case 'open':
        void Promise.all(message.clients.map((spec) => open(message.url, spec))).then((ok) =>
          send({
            type: 'opened',
            open: ok.filter(Boolean).length,
            failed: message.clients.filter((_, i) => !ok[i]).map((c) => c.accountId),
          }),
        );
        return;
      case 'progress':
        send({ type: 'progress', orders: orders.size, positions: { ...highest }, closed });
        return;
      case 'collect':
        send({
          type: 'collected',
          orders: { ids: [...orders.keys()], at: [...orders.values()], log: [...orderLog.values()] },
          positions,
          duplicates,
        });
        orders = new Map();
        orderLog = new Map();
        positions = {};
        duplicates = 0;
        return;
      case 'stop':
        for (const ws of sockets) ws.terminate();
        setImmediate(() => process.exit(0));
        return;
    }
  });
  // The suite going away must not leave sockets open.
  process.once('disconnect', () => process.exit(0));
}

if (require.main === module) clientsProcess();
