import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Put,
  UnauthorizedException,
  BadRequestException,
} from '@nestjs/common';
import { IdentityAuthenticatorService } from '../auth/identity-authenticator.service';
import { publicSettings, SinkSettingsSchema } from './sink-settings.schema';
import { SinkSettingsRepository } from './sink-settings.repository';

/** `GET|PUT /v1/notifier/sinks` with `Authorization: Bearer <api key or session token>`: the caller's own sinks. */
@Controller('v1/notifier/sinks')
export class SinkSettingsController {
  constructor(
    private readonly identity: IdentityAuthenticatorService,
    private readonly settings: SinkSettingsRepository,
  ) {}

  @Get()
  async get(@Headers('authorization') authorization?: string): Promise<object> {
    const userId = await this.caller(authorization);
    const current = await this.settings.get(userId);
    return current ? publicSettings(current) : { webhook: null, telegram: null };
  }

  @Put()
  @HttpCode(200)
  async put(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<object> {
    const userId = await this.caller(authorization);
    const parsed = SinkSettingsSchema.safeParse(body);
    if (!parsed.success) {
      throw new BadRequestException({
        message: 'invalid sink settings',
        errors: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
      });
    }
    await this.settings.set(userId, parsed.data);
    return publicSettings(parsed.data);
  }

  private async caller(authorization: string | undefined): Promise<string> {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const identity = secret ? await this.identity.verify(secret) : null;
    if (!identity) throw new UnauthorizedException('a valid API key or session token is required');
    return identity.userId;
  }
}
