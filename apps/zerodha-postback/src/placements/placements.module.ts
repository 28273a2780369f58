import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ConnectionsModule } from '../connections/connections.module';
import { PlacedOrdersProcessor } from './placed-orders.processor';
import { PlacementCheckService } from './placement-check.service';

/** After `order.placed` on a followed Kite account: read the order once and emit what Kite never pushes. */
@Module({
  imports: [AccountsModule, ConnectionsModule],
  providers: [PlacementCheckService, PlacedOrdersProcessor],
})
export class PlacementsModule {}
