import { Module } from '@nestjs/common';
import { GatewayMetricsService } from './gateway-metrics.service';
import { JainamGatewayService } from './jainam-gateway.service';

/** XTS accounts → normalized, deduplicated events on the bus. */
@Module({ providers: [GatewayMetricsService, JainamGatewayService], exports: [JainamGatewayService] })
export class IngestModule {}
