import { Controller, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import { IdentityService } from '@fillwire/identity';
import { bearerToken, type AuthenticatedRequest } from './current-principal';

/** Short-lived session tokens for the dashboard and WebSocket clients, issued for an API key. */
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly identity: IdentityService) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: AuthenticatedRequest): Promise<{ token: string; expiresAt: string; userId: string }> {
    const apiKey = bearerToken(request.headers.authorization);
    const session = apiKey ? await this.identity.issueSession(apiKey) : null;
    if (!session) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'a valid API key is required' });
    return { token: session.token, expiresAt: new Date(session.expiresAt).toISOString(), userId: session.userId };
  }
}
