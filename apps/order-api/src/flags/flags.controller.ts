import { Body, Controller, Get, HttpCode, Patch, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { Principal } from '@fillwire/identity';
import type { Request } from 'express';
import { AdminGuard } from '../identity/admin.guard';
import { ApiKeyGuard } from '../identity/api-key.guard';
import { CurrentPrincipal } from '../identity/current-principal';
import { validationError } from '../orders/api-error';
import { HttpExceptionFilter } from '../orders/http-exception.filter';
import { FlagsChangeSchema } from './flags-change.schema';
import { FlagsService } from './flags.service';

type AdminRequest = Request & { adminBy?: string };

/** Order-update rollout flags: read by anyone for themselves, changed by admins at runtime. */
@Controller('v1')
@UseFilters(HttpExceptionFilter)
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  /** The caller's own mode, for screens ("live updates" vs "polling"). */
  @Get('me/mode')
  @UseGuards(ApiKeyGuard)
  mode(@CurrentPrincipal() principal: Principal) {
    return { userId: principal.userId, ...this.flags.decide(principal.userId) };
  }

  @Get('admin/flags')
  @UseGuards(AdminGuard)
  get() {
    return this.flags.current();
  }

  @Patch('admin/flags')
  @UseGuards(AdminGuard)
  async update(@Body() body: unknown, @Req() req: AdminRequest) {
    const parsed = FlagsChangeSchema.safeParse(body);
    if (!parsed.success) throw validationError(parsed.error, 'flags change');
    return this.flags.update(parsed.data, req.adminBy ?? null);
  }

  /** Rollback in one call: everyone back to polling within a second. */
  @Post('admin/flags/rollback')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  rollback(@Req() req: AdminRequest) {
    return this.flags.update({ useEventDrivenOrders: false }, req.adminBy ?? null);
  }
}
