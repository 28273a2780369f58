import { createHash, randomBytes } from 'node:crypto';

/** API keys and session tokens: 256 random bits, base64url, with a readable kind prefix. */
export function newSecretToken(kind: 'key' | 'session'): string {
  return `${kind === 'key' ? 'fwk' : 'fws'}_${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 hex. Right for high-entropy secrets (a slow password hash buys nothing against 256
 * random bits, and keeps the per-request check at microseconds).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A short random id (key ids, shown in lists and used to revoke). */
export function newKeyId(): string {
  return `key_${randomBytes(6).toString('hex')}`;
}
