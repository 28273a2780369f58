import { fail, Result } from '../result';

/**
 * Last line of defence for parsers: zod and our helpers do not throw, but a payload object with a
 * throwing getter or a Proxy could. The gateway must see a clear error, never an exception.
 */
export function safely<T>(what: string, run: () => Result<T>): Result<T> {
  try {
    return run();
  } catch (error) {
    return fail(`${what}: unexpected ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** JSON.parse that reports instead of throwing (XTS socket payloads are JSON strings). */
export function parseJson(text: unknown, what: string): Result<unknown> {
  if (typeof text !== 'string') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return fail(`${what}: not JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
