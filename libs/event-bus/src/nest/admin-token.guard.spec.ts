import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { BaseConfigSchema } from '@fillwire/config';
import { AdminTokenGuard } from './admin-token.guard';

const TOKEN = 'a-long-enough-admin-token';

function context(authorization?: string): { ctx: ExecutionContext; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const ctx = {
    switchToHttp: () => ({
      getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }),
      getResponse: () => ({ setHeader: (k: string, v: string) => (headers[k] = v) }),
    }),
  } as unknown as ExecutionContext;
  return { ctx, headers };
}

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard(BaseConfigSchema.parse({ FILLWIRE_ADMIN_TOKEN: TOKEN }));

  it('lets the configured bearer token through', () => {
    expect(guard.canActivate(context(`Bearer ${TOKEN}`).ctx)).toBe(true);
    expect(guard.canActivate(context(`bearer ${TOKEN}`).ctx)).toBe(true);
  });

  it.each([undefined, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, 'Basic abc'])(
    'answers 401 with a challenge for %p',
    (header) => {
      const { ctx, headers } = context(header);
      expect(() => guard.canActivate(ctx)).toThrow(UnauthorizedException);
      expect(headers['WWW-Authenticate']).toMatch(/^Bearer/);
    },
  );

  it('is disabled without a token, and the config refuses a short one', () => {
    const disabled = new AdminTokenGuard(BaseConfigSchema.parse({ FILLWIRE_ADMIN_TOKEN: '' }));
    expect(() => disabled.canActivate(context(`Bearer ${TOKEN}`).ctx)).toThrow(ForbiddenException);
    expect(() => BaseConfigSchema.parse({ FILLWIRE_ADMIN_TOKEN: 'short' })).toThrow(/16 characters/);
  });
});
