import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (1-64)');

/**
 * One Kite account this gateway follows. `apiKey`/`apiSecret` name the Kite app the account logs
 * in through (default: KITE_API_KEY/KITE_API_SECRET); several apps may be configured, and a postback
 * is accepted when its checksum matches any of their secrets.
 */
export const KiteAccountSchema = z
  .object({
    /** Kite user id, e.g. AB1234 (postback `user_id`). */
    accountId: Identifier,
    /** The Fillwire user the account belongs to. */
    userId: Identifier,
    apiKey: z.string().min(1).optional(),
    apiSecret: z.string().min(1).optional(),
    /** A ready access token (live: from the day's browser login). */
    accessToken: z.string().min(1).optional(),
    /** Exchanged for an access token at start (simulator: the Kite user id itself). */
    requestToken: z.string().min(1).optional(),
  })
  .strict();
export type KiteAccountEntry = z.infer<typeof KiteAccountSchema>;

/** A configured account with its app resolved. */
export interface KiteAccount {
  accountId: string;
  userId: string;
  apiKey: string;
  apiSecret: string;
  accessToken: string | null;
  requestToken: string | null;
}

export const KiteAccountsFileSchema = z.array(KiteAccountSchema);

/** `AB1234:demo,CD5678:demo2` → entries (accountId:userId). */
export function parseAccountList(text: string, ctx: z.RefinementCtx): KiteAccountEntry[] {
  const out: KiteAccountEntry[] = [];
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)) {
    const [accountId, userId, ...rest] = item.split(':');
    const parsed = KiteAccountSchema.safeParse({ accountId, userId });
    if (rest.length > 0 || !parsed.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZERODHA_ACCOUNTS'],
        message: `expected accountId:userId, got "${item}"`,
      });
      continue;
    }
    out.push(parsed.data);
  }
  return out;
}

/** Reads and validates an accounts file (a JSON array of KiteAccountSchema). */
export function readAccountsFile(path: string, ctx: z.RefinementCtx): KiteAccountEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      path: ['ZERODHA_ACCOUNTS_FILE'],
      message: `cannot read ${path}: ${(err as Error).message}`,
    });
    return [];
  }
  const parsed = KiteAccountsFileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZERODHA_ACCOUNTS_FILE'],
        message: `${path} [${issue.path.join('.')}]: ${issue.message}`,
      });
    }
    return [];
  }
  return parsed.data;
}

/**
 * Env list and file merged (the file wins for an account in both), apps resolved against the
 * default app; demo accounts log in with their Kite user id as request token (the simulator's rule).
 */
export function resolveAccounts(
  entries: KiteAccountEntry[],
  defaults: { apiKey: string; apiSecret: string; demo: boolean },
): KiteAccount[] {
  const byId = new Map<string, KiteAccountEntry>();
  for (const entry of entries) byId.set(entry.accountId, { ...byId.get(entry.accountId), ...entry });
  return [...byId.values()].map((e) => ({
    accountId: e.accountId,
    userId: e.userId,
    apiKey: e.apiKey ?? defaults.apiKey,
    apiSecret: e.apiSecret ?? defaults.apiSecret,
    accessToken: e.accessToken ?? null,
    requestToken: e.requestToken ?? (defaults.demo && !e.accessToken ? e.accountId : null),
  }));
}
