import type { SimOrderEngine, SimOrderEvent } from '../engine/engine.types';
import type { FaultInjector } from '../faults/fault-injector';
import { kitePostbackPayload, postbackChecksum } from './kite-format';
import { kiteUpdateStatus } from './kite-updates';

export interface KitePostbackOptions {
  url: string;
  apiSecret: string;
  appId: number;
  faults: FaultInjector;
  timeoutMs?: number;
}

export interface PostbackStats {
  attempted: number;
  delivered: number;
  /** Non-2xx answers. */
  refused: number;
  /** Network errors and timeouts (swallowed: Kite does not retry). */
  failed: number;
}

/**
 * The checksum a raw postback should carry: 'auto' (computed), 'bad' (deliberately wrong), any
 * other string (as given), or undefined (payload untouched).
 */
export type ChecksumMode = string | undefined;

const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/**
 * Kite postbacks: on COMPLETE, CANCELLED, REJECTED and UPDATE the order payload goes as a raw JSON
 * body to the app's postback URL with sha256(order_id + order_timestamp + api_secret). Fire and
 * forget like Kite: one attempt, errors counted and swallowed. Goes through the fault injector.
 */
export class KitePostbackService {
  readonly stats: PostbackStats = { attempted: 0, delivered: 0, refused: 0, failed: 0 };
  private readonly onOrder = (event: SimOrderEvent): void => this.handle(event);

  constructor(
    private readonly engine: SimOrderEngine,
    private readonly options: KitePostbackOptions,
  ) {}

  start(): void {
    this.engine.on('order', this.onOrder);
  }

  stop(): void {
    this.engine.off('order', this.onOrder);
  }

  private handle(event: SimOrderEvent): void {
    const status = kiteUpdateStatus(event, 'postback');
    if (!status) return;
    const { order, snapshot } = event;
    const payload = kitePostbackPayload(order, snapshot, { status, appId: this.options.appId, checksum: '' });
    const bad = this.options.faults.corruptChecksum('postback');
    payload.checksum = postbackChecksum(
      order.orderId,
      payload.order_timestamp,
      bad ? 'wrong-secret' : this.options.apiSecret,
    );
    const body = JSON.stringify(payload);
    this.options.faults.deliver('postback', order.orderId, () => {
      void this.post(body);
    });
  }

  /** Admin replay: sends `payload` as is (checksum per `mode`), bypassing faults; resolves with the HTTP status (0 = network error). */
  async sendRaw(payload: unknown, mode: ChecksumMode): Promise<number> {
    let body = payload;
    if (mode !== undefined && payload && typeof payload === 'object' && !Array.isArray(payload)) {
      const p = payload as Record<string, unknown>;
      const orderId = scalar(p.order_id);
      const timestamp = scalar(p.order_timestamp);
      const checksum =
        mode === 'auto'
          ? postbackChecksum(orderId, timestamp, this.options.apiSecret)
          : mode === 'bad'
            ? postbackChecksum(orderId, timestamp, 'wrong-secret')
            : mode;
      body = { ...p, checksum };
    }
    return this.post(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private async post(body: string): Promise<number> {
    this.stats.attempted += 1;
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      await res.arrayBuffer();
      if (res.ok) this.stats.delivered += 1;
      else this.stats.refused += 1;
      return res.status;
    } catch {
      this.stats.failed += 1;
      return 0;
    }
  }
}
