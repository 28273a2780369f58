import { z } from 'zod';

/** Env values that differ between demo mode (simulators on localhost) and live mode. */
export interface ModeDefaults {
  demo?: Record<string, string>;
  live?: Record<string, string>;
}

/** Same reading as envBoolean(true); an invalid value counts as demo here and is reported by the schema. */
export function isDemoEnv(env: Record<string, string | undefined>): boolean {
  const raw = env.FILLWIRE_DEMO?.trim().toLowerCase();
  return !(raw === 'false' || raw === '0' || raw === 'no' || raw === 'off');
}

/**
 * Fills mode-dependent defaults before the schema parses, so a service's whole environment is
 * checked in one pass and every problem is listed at once. Empty strings count as unset.
 */
export function withModeDefaults<S extends z.ZodType>(defaults: ModeDefaults, schema: S) {
  return z.preprocess((input: unknown) => {
    if (typeof input !== 'object' || input === null) return input;
    const env = input as Record<string, string | undefined>;
    const out: Record<string, string | undefined> = {
      ...((isDemoEnv(env) ? defaults.demo : defaults.live) ?? {}),
    };
    for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
    return out;
  }, schema);
}

/** A secret or identity with no default outside demo mode. */
export const envRequired = (what = 'is required (no default outside demo mode, FILLWIRE_DEMO=0)') =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') {
        ctx.addIssue({ code: 'custom', message: what });
        return z.NEVER;
      }
      return value;
    });

/** Comma-separated list; empty or unset = []. */
export const envList = () =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as `60s`, `1500ms`, `5m`, `1h` (a bare number is seconds), parsed to milliseconds. */
export const envDurationMs = (defaultValue: string, minMs = 0) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = value === undefined || value === '' ? defaultValue : value;
      const match = DURATION.exec(raw.trim());
      const ms = match ? Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's').toLowerCase()]) : NaN;
      if (!Number.isFinite(ms) || ms < minMs) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration like 60s, 1500ms, 5m (at least ${minMs} ms), got "${raw}"`,
        });
        return z.NEVER;
      }
      return ms;
    });
