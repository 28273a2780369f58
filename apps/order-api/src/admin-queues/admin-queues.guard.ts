import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '@fillwire/observability';
import type { OrderApiConfig } from '../config/order-api-config.schema';

export const ADMIN_COOKIE = 'fillwire_admin';

export type AdminQueuesAccess = 'ok' | 'unauthenticated' | 'disabled';

const digest = (value: string): Buffer => createHash('sha256').update(`bull-board:${value}`).digest();

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Who may open bull-board: `Authorization: Bearer <FILLWIRE_ADMIN_TOKEN>` (scripts) or the cookie the
 * login form sets (browsers). The cookie holds a digest of the token, never the token itself.
 */
@Injectable()
export class AdminQueuesGuard {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: OrderApiConfig) {
    this.expected = config.FILLWIRE_ADMIN_TOKEN ? digest(config.FILLWIRE_ADMIN_TOKEN) : undefined;
  }

  get enabled(): boolean {
    return this.expected !== undefined;
  }

  check(headers: { authorization?: string; cookie?: string }): AdminQueuesAccess {
    if (!this.expected) return 'disabled';
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.tokenMatches(bearer)) return 'ok';
    const cookie = cookieValue(headers.cookie, ADMIN_COOKIE);
    if (cookie !== undefined && this.cookieMatches(cookie)) return 'ok';
    return 'unauthenticated';
  }

  tokenMatches(token: string): boolean {
    return this.expected !== undefined && timingSafeEqual(digest(token), this.expected);
  }

  /** The cookie value for a valid token: hex digest, safe to store in the browser. */
  cookieFor(token: string): string {
    return digest(token).toString('hex');
  }

  private cookieMatches(value: string): boolean {
    if (!this.expected || !/^[0-9a-f]{64}$/.test(value)) return false;
    return timingSafeEqual(Buffer.from(value, 'hex'), this.expected);
  }
}
