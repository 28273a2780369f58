import { z } from 'zod';

/** Above this many updates in one request the per-update report gets unwieldy (tens of MB). */
export const MAX_LOAD_UPDATES = 1_000_000;

const PhaseSchema = z.object({
  /** Updates per second over all accounts. */
  rate: z.number().positive().max(100_000),
  durationMs: z.number().int().positive().max(600_000),
});

/** `POST /_sim/load`: paced synthetic fills, round-robin over the accounts. */
export const LoadRequestSchema = z
  .object({
    /** Run one after the other without a pause (e.g. base, burst, base). */
    phases: z.array(PhaseSchema).min(1).max(20),
    /** Simulated users to fill for: Kite user ids (postback + ticker) and XTS userIDs (socket). */
    accounts: z
      .array(z.object({ broker: z.enum(['kite', 'xts']), userId: z.string().min(1) }).strict())
      .min(1)
      .max(10_000),
    /**
     * What is filled: each pass over the accounts takes the next instrument, so every account's
     * fills spread evenly over the list (one position per account and instrument).
     */
    instruments: z
      .array(
        z
          .object({
            exchange: z.enum(['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX']),
            tradingsymbol: z.string().min(1),
          })
          .strict(),
      )
      .min(1)
      .max(100)
      .default([{ exchange: 'NSE', tradingsymbol: 'SBIN' }]),
    /** CNC by default: an MIS position would meet the square-off automation in a long run. */
    product: z.enum(['CNC', 'MIS', 'NRML', 'MTF']).default('CNC'),
    side: z.enum(['BUY', 'SELL']).default('BUY'),
    /** Per fill; 0 = one lot of the instrument. */
    quantity: z.number().int().nonnegative().default(0),
    /** Kite sends each update by postback and on the ticker; either can be left out. */
    kiteChannels: z
      .array(z.enum(['postback', 'ticker']))
      .min(1)
      .default(['postback', 'ticker']),
    /** XTS sends a `trade` event after the `order` event of a fill. */
    xtsTrades: z.boolean().default(true),
  })
  .strict()
  .refine(
    (r) => r.phases.reduce((n, p) => n + Math.floor((p.rate * p.durationMs) / 1000), 0) <= MAX_LOAD_UPDATES,
    `at most ${MAX_LOAD_UPDATES} updates per request`,
  );
export type LoadRequest = z.infer<typeof LoadRequestSchema>;

export interface ChannelCounts {
  /** Messages handed to the channel. */
  sent: number;
  /** Postback: non-2xx answers and network errors; sockets: messages that reached no socket. */
  failed: number;
}

export interface LoadReport {
  /** Updates sent (= fills). */
  sent: number;
  /** Updates that no channel took (every copy failed). */
  failed: number;
  elapsedMs: number;
  achievedRate: number;
  /** How late the latest send was against its schedule (ms). */
  maxLagMs: number;
  /** Epoch ms (sub-ms fraction) at which each phase began. */
  phaseStartedAt: number[];
  /**
   * Per update i, in send order: the broker order id, the indexes of its account and instrument in
   * the request, the quantity filled, and when it was sent (epoch ms with sub-ms fraction, taken
   * just before its first copy went out).
   */
  updates: { orderId: string[]; account: number[]; instrument: number[]; quantity: number[]; at: number[] };
  channels: { postback: ChannelCounts; ticker: ChannelCounts; xts: ChannelCounts };
}
