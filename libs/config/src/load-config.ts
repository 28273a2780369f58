import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at boot. Nothing reads process.env after this: the result is
 * injected where it is needed.
 */
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(service, problems);
}

/** Env booleans: accepts true/false/1/0/yes/no/on/off in any case. */
export const envBoolean = (defaultValue: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return defaultValue;
      const v = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected a boolean (true/false/1/0), got "${value}"` });
      return z.NEVER;
    });

/** Env integers with bounds. */
export const envInt = (defaultValue: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return defaultValue;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer in [${min}, ${max}], got "${value}"` });
        return z.NEVER;
      }
      return n;
    });

export const envPort = (defaultValue: number) => envInt(defaultValue, 1, 65535);

export const envUrl = (defaultValue?: string, protocols = ['redis:', 'rediss:', 'http:', 'https:', 'ws:', 'wss:']) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = value === undefined || value === '' ? defaultValue : value;
      if (v === undefined) {
        ctx.addIssue({ code: 'custom', message: 'is required' });
        return z.NEVER;
      }
      try {
        const url = new URL(v);
        if (!protocols.includes(url.protocol)) throw new Error(`protocol ${url.protocol}`);
        return v;
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected a URL (${protocols.join(', ')}), got "${v}"` });
        return z.NEVER;
      }
    });
