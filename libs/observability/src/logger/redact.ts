export const REDACTED = '[redacted]';

// Compared after lower-casing and dropping `_`/`-`, so `api_key`, `apiKey`, `X-Api-Key` and
// `KITE_API_KEY` all match. `token` is matched exactly (plus known token kinds) because
// `instrument_token` is market data, not a credential.
const EXACT = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'requesttoken',
  'sessiontoken',
  'publictoken',
  'admintoken',
  'fillwireadmintoken',
  'enctoken',
  'bearer',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'checksum',
  'signature',
  'xsignature',
  'otp',
  'pin',
  'totp',
]);
const CONTAINS = ['secret', 'password', 'passwd', 'apikey', 'appkey', 'privatekey', 'credential'];

/** True when a field of this name holds a credential and must never reach a log line. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return EXACT.has(k) || CONTAINS.some((part) => k.includes(part));
}

const MAX_DEPTH = 6;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Copies plain objects and arrays with every secret-named field replaced by `[redacted]`. Class
 * instances (requests, errors, buffers) are left to pino's serializers; only what changes is copied.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item: unknown) => {
      const next = redactSecrets(item, depth + 1);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? out : value) as T;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next =
      isSecretKey(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item, depth + 1);
    if (next !== item) {
      out ??= { ...value };
      out[key] = next;
    }
  }
  return (out ?? value) as T;
}

/** A request URL with secret-named query parameters (e.g. `?token=`, `?apikey=`) redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (isSecretKey(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}
