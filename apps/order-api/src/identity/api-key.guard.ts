import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { IdentityService } from '@fillwire/identity';
import { bearerToken, type AuthenticatedRequest } from './current-principal';

/** `Authorization: Bearer <api key or session token>`; missing or wrong → 401. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly identity: IdentityService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    const principal = await this.identity.authenticate(token);
    if (!principal) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: token ? 'invalid API key or session token' : 'missing Authorization: Bearer <api key>',
      });
    }
    request.principal = principal;
    return true;
  }
}
