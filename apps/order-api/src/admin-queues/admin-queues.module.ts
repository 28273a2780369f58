import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { loginPage } from './admin-queues-login';
import { ADMIN_COOKIE, AdminQueuesGuard } from './admin-queues.guard';
import { ADMIN_QUEUES_PATH, AdminQueuesService } from './admin-queues.service';

const LOGIN_PATH = `${ADMIN_QUEUES_PATH}/login`;
const COOKIE_MAX_AGE_S = 8 * 3600;
const MAX_FORM_BYTES = 4096;

/** The login form's token, whether or not a body parser already ran. */
async function formToken(req: Request): Promise<string | undefined> {
  const parsed = req.body as Record<string, unknown> | undefined;
  if (parsed && typeof parsed === 'object' && typeof parsed.token === 'string') return parsed.token;
  let raw = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    raw += chunk.toString('utf8');
    if (raw.length > MAX_FORM_BYTES) return undefined;
  }
  return new URLSearchParams(raw).get('token') ?? undefined;
}

/**
 * bull-board at /admin/queues (issue 8), behind FILLWIRE_ADMIN_TOKEN: Bearer header for scripts,
 * /admin/queues/login for browsers (HttpOnly cookie). Mounted on Express directly because
 * bull-board ships an Express router, not Nest controllers.
 */
@Module({ providers: [AdminQueuesGuard, AdminQueuesService] })
export class AdminQueuesModule implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly guard: AdminQueuesGuard,
    private readonly board: AdminQueuesService,
  ) {}

  onModuleInit(): void {
    const app = this.host.httpAdapter?.getInstance<Express>();
    if (!app) return;
    app.post(LOGIN_PATH, (req, res, next) => this.login(req, res).catch(next));
    app.get(LOGIN_PATH, (req, res) => this.deny(req, res, this.guard.enabled ? 200 : 403, false));
    app.use(ADMIN_QUEUES_PATH, (req, res, next) => this.authorize(req, res, next), this.board.router());
  }

  private authorize(req: Request, res: Response, next: NextFunction): void {
    const access = this.guard.check(req.headers);
    if (access !== 'ok') return this.deny(req, res, access === 'disabled' ? 403 : 401, false);
    this.board.refresh().then(() => next(), next);
  }

  private async login(req: Request, res: Response): Promise<void> {
    const token = await formToken(req);
    if (!this.guard.enabled) return this.deny(req, res, 403, false);
    if (!token || !this.guard.tokenMatches(token)) return this.deny(req, res, 401, true);
    res.cookie(ADMIN_COOKIE, this.guard.cookieFor(token), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: ADMIN_QUEUES_PATH,
      maxAge: COOKIE_MAX_AGE_S * 1000,
    });
    res.redirect(303, ADMIN_QUEUES_PATH);
  }

  /** 403 when admin is disabled; otherwise the login form (browsers) or a JSON 401 (scripts). */
  private deny(req: Request, res: Response, status: 200 | 401 | 403, failed: boolean): void {
    if (status === 403) {
      res
        .status(403)
        .json({
          statusCode: 403,
          error: 'Forbidden',
          message: 'admin disabled: set FILLWIRE_ADMIN_TOKEN to enable',
        });
      return;
    }
    res.status(status);
    if (req.accepts(['json', 'html']) === 'html') res.type('html').send(loginPage(LOGIN_PATH, failed));
    else
      res.json({
        statusCode: 401,
        error: 'Unauthorized',
        message: `Authorization: Bearer <FILLWIRE_ADMIN_TOKEN>, or sign in at ${LOGIN_PATH}`,
      });
  }
}
