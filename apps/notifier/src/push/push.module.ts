import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventLogRepository } from './event-log.repository';
import { PushGateway } from './push.gateway';
import { PushService } from './push.service';
import { ResyncSnapshotService } from './resync-snapshot.service';

/** WebSocket push at /ws: authentication, per-user routing, resume, heartbeats, slow clients. */
@Module({
  imports: [AuthModule],
  providers: [EventLogRepository, ResyncSnapshotService, PushService, PushGateway],
  exports: [PushService],
})
export class PushModule {}
