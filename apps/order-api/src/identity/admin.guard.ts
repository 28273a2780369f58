import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { IdentityService } from '@fillwire/identity';
import { APP_CONFIG } from '@fillwire/observability';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { bearerToken, type AuthenticatedRequest } from './current-principal';

const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Admin endpoints: `Bearer <FILLWIRE_ADMIN_TOKEN>` (operators, scripts) or the API key / session
 * token of a user with role admin (in demo mode: user `demo`).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly identity: IdentityService,
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { adminBy?: string }>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'missing Authorization: Bearer <token>' });
    const adminToken = this.config.FILLWIRE_ADMIN_TOKEN;
    if (adminToken && same(token, adminToken)) {
      request.adminBy = 'admin-token';
      return true;
    }
    const principal = await this.identity.authenticate(token);
    if (!principal) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'invalid token' });
    if (principal.role !== 'admin') throw new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: 'admin role required' });
    request.principal = principal;
    request.adminBy = principal.userId;
    return true;
  }
}
