import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AccountsModule } from '../accounts/accounts.module';
import { IngestMetrics } from '../ingest/ingest-metrics.service';
import { IngestModule } from '../ingest/ingest.module';
import { PostbackController } from './postback.controller';
import { installPostbackRawBody, POSTBACK_PATH } from './postback-raw-body';
import { PostbackService } from './postback.service';

const POSTBACK_RAW_BODY = Symbol('postback-raw-body');

@Module({
  imports: [AccountsModule, IngestModule],
  controllers: [PostbackController],
  providers: [
    PostbackService,
    {
      // Built while the app is created, so the raw parser precedes Nest's global body parsers.
      provide: POSTBACK_RAW_BODY,
      inject: [HttpAdapterHost, IngestMetrics],
      useFactory: (host: HttpAdapterHost, metrics: IngestMetrics) => {
        installPostbackRawBody(host, (reason) => metrics.rejected.inc({ reason }));
        return POSTBACK_PATH;
      },
    },
  ],
})
export class PostbackModule {}
