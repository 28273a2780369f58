/**
 * Kite ticker binary packets (brokers.md §1.10): big-endian int32 fields, prices in paise
 * (CDS /1e7, BCD /1e4), token & 0xff = segment. Tradable instruments: ltp 8, quote 44, full 184
 * bytes; indices (segment 9): quote 28, full 32. A frame is int16 count + (int16 length, packet)*.
 */
export type TickMode = 'ltp' | 'quote' | 'full';

export interface DepthLevel {
  quantity: number;
  price: number;
  orders: number;
}

export interface TickData {
  instrument_token: number;
  mode: TickMode;
  tradable: boolean;
  last_price: number;
  last_quantity?: number;
  average_price?: number;
  volume?: number;
  buy_quantity?: number;
  sell_quantity?: number;
  ohlc?: { open: number; high: number; low: number; close: number };
  /** Indices only: the raw change field (quote/full index packets). */
  change_raw?: number;
  /** Epoch seconds; 0 = unknown. */
  last_trade_time?: number;
  oi?: number;
  oi_day_high?: number;
  oi_day_low?: number;
  /** Exchange timestamp, epoch seconds. */
  timestamp?: number;
  depth?: { buy: DepthLevel[]; sell: DepthLevel[] };
}

const INDICES_SEGMENT = 9;

function divisorOf(token: number): number {
  const segment = token & 0xff;
  if (segment === 3) return 10_000_000;
  if (segment === 6) return 10_000;
  return 100;
}

const isIndex = (token: number): boolean => (token & 0xff) === INDICES_SEGMENT;

export function encodePacket(tick: TickData): Buffer {
  const d = divisorOf(tick.instrument_token);
  const px = (v: number | undefined) => Math.round((v ?? 0) * d);
  const ohlc = tick.ohlc ?? { open: 0, high: 0, low: 0, close: 0 };
  if (tick.mode === 'ltp') {
    const b = Buffer.alloc(8);
    b.writeInt32BE(tick.instrument_token, 0);
    b.writeInt32BE(px(tick.last_price), 4);
    return b;
  }
  if (isIndex(tick.instrument_token)) {
    const b = Buffer.alloc(tick.mode === 'full' ? 32 : 28);
    b.writeInt32BE(tick.instrument_token, 0);
    b.writeInt32BE(px(tick.last_price), 4);
    b.writeInt32BE(px(ohlc.high), 8);
    b.writeInt32BE(px(ohlc.low), 12);
    b.writeInt32BE(px(ohlc.open), 16);
    b.writeInt32BE(px(ohlc.close), 20);
    b.writeInt32BE(tick.change_raw ?? 0, 24);
    if (tick.mode === 'full') b.writeInt32BE(tick.timestamp ?? 0, 28);
    return b;
  }
  const b = Buffer.alloc(tick.mode === 'full' ? 184 : 44);
  b.writeInt32BE(tick.instrument_token, 0);
  b.writeInt32BE(px(tick.last_price), 4);
  b.writeInt32BE(tick.last_quantity ?? 0, 8);
  b.writeInt32BE(px(tick.average_price), 12);
  b.writeInt32BE(tick.volume ?? 0, 16);
  b.writeInt32BE(tick.buy_quantity ?? 0, 20);
  b.writeInt32BE(tick.sell_quantity ?? 0, 24);
  b.writeInt32BE(px(ohlc.open), 28);
  b.writeInt32BE(px(ohlc.high), 32);
  b.writeInt32BE(px(ohlc.low), 36);
  b.writeInt32BE(px(ohlc.close), 40);
  if (tick.mode === 'full') {
    b.writeInt32BE(tick.last_trade_time ?? 0, 44);
    b.writeInt32BE(tick.oi ?? 0, 48);
    b.writeInt32BE(tick.oi_day_high ?? 0, 52);
    b.writeInt32BE(tick.oi_day_low ?? 0, 56);
    b.writeInt32BE(tick.timestamp ?? 0, 60);
    const levels = [...(tick.depth?.buy ?? []), ...(tick.depth?.sell ?? [])].slice(0, 10);
    levels.forEach((level, i) => {
      const at = 64 + i * 12;
      b.writeInt32BE(level.quantity, at);
      b.writeInt32BE(px(level.price), at + 4);
      b.writeInt16BE(level.orders, at + 8);
    });
  }
  return b;
}

export function decodePacket(bin: Buffer): TickData {
  const token = bin.readInt32BE(0);
  const d = divisorOf(token);
  const price = (at: number) => bin.readInt32BE(at) / d;
  const base = { instrument_token: token, tradable: !isIndex(token), last_price: price(4) };
  if (bin.length === 8) return { ...base, mode: 'ltp' };
  if (bin.length === 28 || bin.length === 32) {
    return {
      ...base,
      mode: bin.length === 32 ? 'full' : 'quote',
      ohlc: { high: price(8), low: price(12), open: price(16), close: price(20) },
      change_raw: bin.readInt32BE(24),
      ...(bin.length === 32 ? { timestamp: bin.readInt32BE(28) } : {}),
    };
  }
  if (bin.length !== 44 && bin.length !== 184) throw new Error(`unknown ticker packet length ${bin.length}`);
  const tick: TickData = {
    ...base,
    mode: bin.length === 184 ? 'full' : 'quote',
    last_quantity: bin.readInt32BE(8),
    average_price: price(12),
    volume: bin.readInt32BE(16),
    buy_quantity: bin.readInt32BE(20),
    sell_quantity: bin.readInt32BE(24),
    ohlc: { open: price(28), high: price(32), low: price(36), close: price(40) },
  };
  if (bin.length === 184) {
    tick.last_trade_time = bin.readInt32BE(44);
    tick.oi = bin.readInt32BE(48);
    tick.oi_day_high = bin.readInt32BE(52);
    tick.oi_day_low = bin.readInt32BE(56);
    tick.timestamp = bin.readInt32BE(60);
    const levels: DepthLevel[] = [];
    for (let i = 0; i < 10; i++) {
      const at = 64 + i * 12;
      levels.push({ quantity: bin.readInt32BE(at), price: price(at + 4), orders: bin.readInt16BE(at + 8) });
    }
    tick.depth = { buy: levels.slice(0, 5), sell: levels.slice(5) };
  }
  return tick;
}

export function encodeFrame(packets: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0].writeInt16BE(packets.length, 0);
  for (const packet of packets) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(packet.length, 0);
    parts.push(length, packet);
  }
  return Buffer.concat(parts);
}

export function decodeFrame(frame: Buffer): TickData[] {
  if (frame.length < 2) return [];
  const count = frame.readInt16BE(0);
  const ticks: TickData[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const size = frame.readInt16BE(at);
    ticks.push(decodePacket(frame.subarray(at + 2, at + 2 + size)));
    at += 2 + size;
  }
  return ticks;
}
