import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { BaseConfig } from '@fillwire/config';
import { APP_CONFIG } from '@fillwire/observability';
import type { Request, Response } from 'express';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * `Authorization: Bearer <FILLWIRE_ADMIN_TOKEN>` for the /admin endpoints. Without a configured token
 * they are disabled (403). Both sides are hashed first, so the constant-time comparison also hides
 * the token's length.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(APP_CONFIG) config: BaseConfig) {
    this.expected = config.FILLWIRE_ADMIN_TOKEN ? digest(config.FILLWIRE_ADMIN_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ForbiddenException('admin disabled: set FILLWIRE_ADMIN_TOKEN to enable');
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1]), this.expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="fillwire-admin"');
    throw new UnauthorizedException('a valid admin bearer token is required');
  }
}
