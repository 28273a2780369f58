import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { BusAdminService, type EventDeadLetter, type FailedJob } from '../bus-admin.service';
import { errorMessage } from '../bus-logger';
import { parseDeadLetterRef, type DeadLetterRef } from '../dead-letter-ref';
import { assertQueueName } from '../job-names';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadLetterQuerySchema } from './dead-letter-query.schema';

type EventLetterView = EventDeadLetter & { kind: 'event'; ref: string };
type JobLetterView = FailedJob & { kind: 'job'; ref: string };

export type ReplayView =
  | { kind: 'event'; ref: string; group: string; retryEntryId: string }
  | { kind: 'job'; ref: string; queue: string; jobId: string };

/**
 * Dead letters of both bus layers on every service: events (`<ms>-<seq>`, the dead-letter stream id)
 * and failed jobs (`<queue>/<job id>`; in a path write the slash as %2F or use two segments).
 */
@Controller('admin/dlq')
@UseGuards(AdminTokenGuard)
export class DeadLetterController {
  constructor(private readonly admin: BusAdminService) {}

  @Get()
  async list(@Query() query: unknown): Promise<{ events: EventLetterView[]; jobs: JobLetterView[] }> {
    const parsed = DeadLetterQuerySchema.safeParse(query);
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => i.message));
    const { layer, limit, group, queue } = parsed.data;
    const [events, jobs] = await Promise.all([
      layer === 'jobs' ? [] : this.admin.listDeadLetters({ limit, group }),
      layer === 'events' ? [] : this.admin.listFailedJobs({ limit, queue: queue && this.queueName(queue) }),
    ]);
    return { events: events.map(eventView), jobs: jobs.map(jobView) };
  }

  @Get(':ref')
  show(@Param('ref') ref: string): Promise<EventLetterView | JobLetterView> {
    return this.find(this.parse(ref));
  }

  @Get(':queue/:jobId')
  showJob(
    @Param('queue') queue: string,
    @Param('jobId') jobId: string,
  ): Promise<EventLetterView | JobLetterView> {
    return this.find({ kind: 'job', queue: this.queueName(queue), jobId });
  }

  @Post(':ref/replay')
  @HttpCode(200)
  replay(@Param('ref') ref: string): Promise<ReplayView> {
    return this.replayRef(this.parse(ref));
  }

  @Post(':queue/:jobId/replay')
  @HttpCode(200)
  replayJob(@Param('queue') queue: string, @Param('jobId') jobId: string): Promise<ReplayView> {
    return this.replayRef({ kind: 'job', queue: this.queueName(queue), jobId });
  }

  private async find(ref: DeadLetterRef): Promise<EventLetterView | JobLetterView> {
    if (ref.kind === 'event') {
      const letter = await this.admin.getDeadLetter(ref.id);
      if (!letter) throw new NotFoundException(`no dead letter ${ref.id}`);
      return eventView(letter);
    }
    const job = await this.admin.getFailedJob(ref.queue, ref.jobId);
    if (!job) throw new NotFoundException(`no failed job ${ref.queue}/${ref.jobId}`);
    return jobView(job);
  }

  private async replayRef(ref: DeadLetterRef): Promise<ReplayView> {
    // Looked up first, so a wrong ref is a 404 and only a lost race is a 409.
    await this.find(ref);
    try {
      if (ref.kind === 'event') {
        const { group, retryEntryId } = await this.admin.replayDeadLetter(ref.id);
        return { kind: 'event', ref: ref.id, group, retryEntryId };
      }
      await this.admin.retryFailedJob(ref.queue, ref.jobId);
      return { kind: 'job', ref: `${ref.queue}/${ref.jobId}`, queue: ref.queue, jobId: ref.jobId };
    } catch (err) {
      throw new ConflictException(errorMessage(err));
    }
  }

  private parse(ref: string): DeadLetterRef {
    let parsed: DeadLetterRef;
    try {
      parsed = parseDeadLetterRef(ref);
    } catch (err) {
      throw new BadRequestException(errorMessage(err));
    }
    return parsed.kind === 'job' ? { ...parsed, queue: this.queueName(parsed.queue) } : parsed;
  }

  private queueName(queue: string): string {
    try {
      return assertQueueName(queue);
    } catch (err) {
      throw new BadRequestException(errorMessage(err));
    }
  }
}

function eventView(letter: EventDeadLetter): EventLetterView {
  return { kind: 'event', ref: letter.id, ...letter };
}

function jobView(job: FailedJob): JobLetterView {
  return { kind: 'job', ref: `${job.queue}/${job.id}`, ...job };
}
