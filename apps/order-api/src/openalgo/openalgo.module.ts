import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { OpenAlgoController } from './openalgo.controller';

@Module({ imports: [OrdersModule], controllers: [OpenAlgoController] })
export class OpenAlgoModule {}
