import { Controller, Get, HttpException, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Principal } from '@fillwire/identity';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { ApiKeyGuard } from '../identity/api-key.guard';
import { CurrentPrincipal } from '../identity/current-principal';
import { validationError } from '../orders/api-error';
import { HttpExceptionFilter } from '../orders/http-exception.filter';
import { KiteAccountQuerySchema, KiteCallbackQuerySchema, KiteSessionQuerySchema } from './kite-login.schema';
import { KiteLoginService, type KiteSessionStatus } from './kite-login.service';

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, what);
  return parsed.data;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** A browser (Accept: text/html) gets a page; scripts get JSON (also for `Accept: *\/*`). */
const wantsHtml = (req: Request): boolean => req.accepts(['json', 'html']) === 'html';
/** Only a caller asking for JSON gets it; browsers and `Accept: *\/*` follow the redirect. */
const wantsJson = (req: Request): boolean => req.accepts(['html', 'json']) === 'json';

const asJson = (status: KiteSessionStatus) => ({
  ...status,
  expiresAt: status.expiresAt === null ? null : new Date(status.expiresAt).toISOString(),
});

const ist = (epochMs: number): string =>
  `${new Date(epochMs + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ')} IST`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}<p><a href="/">Back to Fillwire</a></p></body></html>`;
}

/**
 * Zerodha's daily login. `login` (authenticated) sends the browser to Kite; Kite sends it back to
 * `callback` (the redirect URL registered for the Kite app; no Authorization header on a redirect,
 * the single-use state proves who started it); `session` tells whether a session is stored.
 */
@Controller('v1/brokers/zerodha')
@UseFilters(HttpExceptionFilter)
export class KiteLoginController {
  constructor(private readonly logins: KiteLoginService) {}

  /** 302 to Kite; with `Accept: application/json` the URL instead (a dashboard sets location itself). */
  @Get('login')
  @UseGuards(ApiKeyGuard)
  async login(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { accountId } = parse(KiteAccountQuerySchema, query, 'query');
    const started = await this.logins.start(principal, accountId);
    res.setHeader('cache-control', 'no-store');
    if (wantsJson(req)) {
      res.json({ ...started, stateExpiresAt: new Date(started.stateExpiresAt).toISOString() });
      return;
    }
    res.redirect(302, started.loginUrl);
  }

  @Get('callback')
  async callback(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    try {
      const done = await this.logins.complete(parse(KiteCallbackQuerySchema, query, 'Kite redirect'));
      if (!wantsHtml(req)) {
        res.json({ status: 'connected', ...done, expiresAt: new Date(done.expiresAt).toISOString() });
        return;
      }
      const who = done.kiteUserName ? ` (${escapeHtml(done.kiteUserName)})` : '';
      res
        .type('html')
        .send(
          page(
            'Zerodha connected',
            `<p>Kite account <b>${escapeHtml(done.accountId)}</b>${who} is connected to Fillwire until ${ist(done.expiresAt)}, when Kite ends every session. Log in again after that.</p>`,
          ),
        );
    } catch (error) {
      if (!(error instanceof HttpException) || !wantsHtml(req)) throw error;
      const body = error.getResponse();
      const message =
        typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : error.message;
      res
        .status(error.getStatus())
        .type('html')
        .send(page('Zerodha not connected', `<p>${escapeHtml(message)}</p>`));
    }
  }

  /** One account (`?accountId=`), or `{sessions: [...]}` for every Zerodha account of the caller. */
  @Get('session')
  @UseGuards(ApiKeyGuard)
  async session(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { accountId } = parse(KiteSessionQuerySchema, query, 'query');
    if (accountId !== undefined) return asJson(await this.logins.status(principal, accountId));
    return { sessions: (await this.logins.statuses(principal)).map(asJson) };
  }
}
