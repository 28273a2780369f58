import express, { type Router } from 'express';
import { z } from 'zod';
import { kiteError } from './kite-http';
import type { KiteSessionStore } from './kite-session.store';

/** Where Kite sends the browser after a login: the redirect URL registered for the app (order-api). */
export const DEFAULT_KITE_REDIRECT_URL = 'http://127.0.0.1:3000/v1/brokers/zerodha/callback';

/** Parameters Kite itself puts on the redirect; redirect_params cannot override them. */
const RESERVED = ['action', 'type', 'status', 'request_token'];

const LoginQuerySchema = z.object({
  v: z.literal('3'),
  api_key: z.string().min(1),
  redirect_params: z.string().max(2048).optional(),
  /** Simulator only: which simulated Kite user "types in" their credentials. */
  user_id: z.string().min(1).optional(),
});

export interface KiteLoginOptions {
  sessions: KiteSessionStore;
  /** SIM_KITE_REDIRECT_URL. */
  redirectUrl: string;
}

/**
 * Kite's browser login (`https://kite.zerodha.com/connect/login?v=3&api_key=...`) without the
 * forms: the user is logged in at once and sent to the app's redirect URL with
 * `action=login&type=login&status=success&request_token=...` plus the echoed `redirect_params`.
 */
export function kiteLoginRouter(options: KiteLoginOptions): Router {
  const { sessions } = options;
  const router = express.Router();

  router.get('/connect/login', (req, res) => {
    const parsed = LoginQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') ?? 'input';
      return kiteError(res, 400, 'InputException', `Invalid \`${field}\`.`);
    }
    const query = parsed.data;
    if (query.api_key !== sessions.apiKey) return kiteError(res, 400, 'InputException', 'Invalid `api_key`.');
    const userId = query.user_id ?? sessions.users[0]?.userId;
    const requestToken = userId === undefined ? undefined : sessions.issueRequestToken(userId);
    if (requestToken === undefined) return kiteError(res, 400, 'InputException', 'Invalid `user_id`.');

    const target = new URL(options.redirectUrl);
    target.searchParams.set('action', 'login');
    target.searchParams.set('type', 'login');
    target.searchParams.set('status', 'success');
    target.searchParams.set('request_token', requestToken);
    for (const [key, value] of new URLSearchParams(query.redirect_params ?? '')) {
      if (!RESERVED.includes(key)) target.searchParams.append(key, value);
    }
    res.redirect(302, target.toString());
  });

  return router;
}
