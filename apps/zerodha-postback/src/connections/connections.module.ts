import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { IngestModule } from '../ingest/ingest.module';
import { OrderSyncService } from '../sync/order-sync.service';
import { KiteAdapterFactory } from './kite-adapter.factory';
import { KiteConnectionsService } from './kite-connections.service';
import { SharedKiteSessionsRepository } from './shared-kite-sessions.repository';

/** Kite sessions, ticker order updates, reconciliation and the polling fallback per account. */
@Module({
  imports: [AccountsModule, IngestModule],
  providers: [KiteAdapterFactory, OrderSyncService, KiteConnectionsService, SharedKiteSessionsRepository],
  exports: [KiteConnectionsService],
})
export class ConnectionsModule {}
