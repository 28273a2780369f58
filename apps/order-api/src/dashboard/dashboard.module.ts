import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** Serves apps/dashboard (owned by the notifier side) at http://localhost:3000/. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
