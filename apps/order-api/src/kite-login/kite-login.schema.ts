import { IdentifierSchema } from '@fillwire/identity';
import { z } from 'zod';

/** Our login state: 32 random bytes, base64url (see KiteLoginStateRepository). */
export const KiteLoginStateSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a login state');

export const KiteAccountQuerySchema = z.object({ accountId: IdentifierSchema });
/** Without accountId: every Zerodha account of the caller. */
export const KiteSessionQuerySchema = z.object({ accountId: IdentifierSchema.optional() });

/**
 * Kite's redirect to us: its `status` and `request_token` (plus `action`/`type`) and our
 * `redirect_params` (`state`). Other parameters Kite may add are ignored, not refused.
 */
export const KiteCallbackQuerySchema = z.looseObject({
  status: z.string().min(1).max(32),
  request_token: z.string().min(1).max(256).optional(),
  state: KiteLoginStateSchema,
});
export type KiteCallbackQuery = z.infer<typeof KiteCallbackQuerySchema>;
