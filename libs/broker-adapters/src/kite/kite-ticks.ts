import type { TickRecord } from '../adapter.types';
import { fail, ok, type Result } from '../result';

const INDICES_SEGMENT = 9;

/** Price divisor by segment (token & 0xff): CDS in 1e-7, BCD in 1e-4, the rest in paise. */
function divisorOf(token: number): number {
  const segment = token & 0xff;
  if (segment === 3) return 10_000_000;
  if (segment === 6) return 10_000;
  return 100;
}

/**
 * One Kite ticker binary frame → ticks (brokers.md §1.10): int16 packet count, then per packet an
 * int16 length and the packet. A 1-byte frame is a heartbeat (no ticks). Only what the adapters
 * need is read: token, last price and, in full/index-full packets, the exchange time.
 */
export function decodeKiteTickFrame(frame: Uint8Array): Result<TickRecord[]> {
  if (frame.byteLength < 2) return ok([]);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getInt16(0);
  if (count < 0) return fail(`kite ticks: negative packet count ${count}`);
  const ticks: TickRecord[] = [];
  let offset = 2;
  for (let i = 0; i < count; i++) {
    if (offset + 2 > frame.byteLength)
      return fail(`kite ticks: frame ends before packet ${i + 1} of ${count}`);
    const length = view.getInt16(offset);
    offset += 2;
    if (length < 8 || offset + length > frame.byteLength) {
      return fail(
        `kite ticks: packet ${i + 1} has length ${length}, ${frame.byteLength - offset} bytes left`,
      );
    }
    const tick = decodeKitePacket(frame.subarray(offset, offset + length));
    if (!tick.ok) return fail(`kite ticks: packet ${i + 1}: ${tick.error}`);
    ticks.push(tick.value);
    offset += length;
  }
  return ok(ticks);
}

/** One packet (ltp 8, quote 44, full 184; index 28/32 bytes) → tick. */
export function decodeKitePacket(packet: Uint8Array): Result<TickRecord> {
  if (packet.byteLength < 8)
    return fail(`packet of ${packet.byteLength} bytes is shorter than an LTP packet`);
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const token = view.getUint32(0);
  const lastPrice = view.getInt32(4) / divisorOf(token);
  const isIndex = (token & 0xff) === INDICES_SEGMENT;
  let seconds = 0;
  if (isIndex && packet.byteLength >= 32) seconds = view.getUint32(28);
  else if (!isIndex && packet.byteLength >= 184) seconds = view.getUint32(60);
  return ok({ instrumentToken: token, lastPrice, exchangeTimestamp: seconds > 0 ? seconds * 1000 : null });
}

/** Encodes LTP packets (tests and the paper broker's own feed). */
export function encodeKiteLtpFrame(
  ticks: ReadonlyArray<{ instrumentToken: number; lastPrice: number }>,
): Buffer {
  const frame = Buffer.alloc(2 + ticks.length * 10);
  frame.writeInt16BE(ticks.length, 0);
  ticks.forEach((t, i) => {
    const at = 2 + i * 10;
    frame.writeInt16BE(8, at);
    frame.writeUInt32BE(t.instrumentToken, at + 2);
    frame.writeInt32BE(Math.round(t.lastPrice * divisorOf(t.instrumentToken)), at + 6);
  });
  return frame;
}
