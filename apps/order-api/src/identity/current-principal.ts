import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@fillwire/identity';
import type { Request } from 'express';

export type AuthenticatedRequest = Request & { principal?: Principal };

/** The caller ApiKeyGuard authenticated. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return principal;
});

/** `Authorization: Bearer <secret>` → secret; anything else → null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
