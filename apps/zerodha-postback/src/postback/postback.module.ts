import { Logger, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AccountsModule } from '../accounts/accounts.module';
import { IngestMetrics } from '../ingest/ingest-metrics.service';
import { IngestModule } from '../ingest/ingest.module';
import { installPostbackRoute, POSTBACK_PATH } from './postback-route';
import { PostbackService } from './postback.service';

const POSTBACK_ROUTE = Symbol('postback-route');

@Module({
  imports: [AccountsModule, IngestModule],
  providers: [
    PostbackService,
    {
      // Built while the app is created, so the route precedes Nest's parsers, logging and router.
      provide: POSTBACK_ROUTE,
      inject: [HttpAdapterHost, PostbackService, IngestMetrics],
      useFactory: (host: HttpAdapterHost, postbacks: PostbackService, metrics: IngestMetrics) => {
        const logger = new Logger('PostbackRoute');
        installPostbackRoute(host, {
          receive: (raw, receivedAt) => postbacks.receive(raw, receivedAt),
          rejected: (reason) => metrics.rejected.inc({ reason }),
          answered: (status) => metrics.answered(status),
          failed: (error) => logger.error({ err: error }, 'postback failed unexpectedly'),
        });
        return POSTBACK_PATH;
      },
    },
  ],
})
export class PostbackModule {}
