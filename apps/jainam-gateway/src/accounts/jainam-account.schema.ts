import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { JainamGatewayConfig } from '../config/jainam-gateway-config.schema';

/** One entry of JAINAM_ACCOUNTS; missing connection fields come from the XTS_* variables. */
export const JainamAccountEntrySchema = z
  .object({
    accountId: z.string().min(1),
    userId: z.string().min(1),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    appKey: z.string().min(1).optional(),
    secretKey: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
  })
  .strict();

export interface JainamAccount {
  accountId: string;
  userId: string;
  baseUrl: string;
  appKey: string;
  secretKey: string;
  source: string;
}

/**
 * The accounts this gateway follows: JAINAM_ACCOUNTS (inline JSON array or a file path) or else
 * the single XTS_* account. Throws with every problem listed (boot refuses to start).
 */
export function resolveJainamAccounts(
  config: JainamGatewayConfig,
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): JainamAccount[] {
  const defaults = {
    baseUrl: config.XTS_BASE_URL,
    appKey: config.XTS_APP_KEY,
    secretKey: config.XTS_SECRET_KEY,
    source: config.XTS_SOURCE,
  };
  if (!config.JAINAM_ACCOUNTS) {
    return [
      { accountId: config.XTS_ACCOUNT_ID ?? '', userId: config.XTS_USER_ID ?? '', ...withBaseUrl(defaults) },
    ];
  }
  const text = config.JAINAM_ACCOUNTS.startsWith('[') ? config.JAINAM_ACCOUNTS : read(config.JAINAM_ACCOUNTS);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`JAINAM_ACCOUNTS: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = z.array(JainamAccountEntrySchema).min(1).safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `JAINAM_ACCOUNTS: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const ids = parsed.data.map((a) => a.accountId);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0)
    throw new Error(`JAINAM_ACCOUNTS: account listed twice: ${[...new Set(twice)].join(', ')}`);
  return parsed.data.map((entry) => withBaseUrl({ ...defaults, ...entry }));
}

function withBaseUrl<T extends { baseUrl?: string }>(account: T): T & { baseUrl: string } {
  if (!account.baseUrl) throw new Error('XTS_BASE_URL (or baseUrl per account) is required');
  return { ...account, baseUrl: account.baseUrl };
}
