import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { KafkaProducerAdapter } from './kafka-producer.adapter';
import { SinkDeliveryProcessor } from './sink-delivery.processor';
import { SinkRouterService } from './sink-router.service';
import { SinkSettingsController } from './sink-settings.controller';
import { SinkSettingsRepository } from './sink-settings.repository';

/** Kafka (ORDER_EVENT_MODE kafka|both), per-user webhook and Telegram deliveries as BullMQ jobs. */
@Module({
  imports: [AuthModule],
  controllers: [SinkSettingsController],
  providers: [SinkSettingsRepository, KafkaProducerAdapter, SinkRouterService, SinkDeliveryProcessor],
})
export class SinksModule {}
