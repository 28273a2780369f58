import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { DemoTrafficService } from './demo-traffic.service';

/** Sample orders for the demo users when FILLWIRE_DEMO_TRAFFIC is on (`npm start -- --demo-traffic`). */
@Module({
  imports: [OrdersModule],
  providers: [DemoTrafficService],
})
export class DemoTrafficModule {}
