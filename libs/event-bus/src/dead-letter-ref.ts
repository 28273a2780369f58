import { isEntryId } from './bus-keys';

/**
 * How operators name a dead letter: an events one by its dead-letter stream id (`1712345678901-0`),
 * a failed job as `<queue>/<job id>`.
 */
export type DeadLetterRef = { kind: 'event'; id: string } | { kind: 'job'; queue: string; jobId: string };

export function parseDeadLetterRef(ref: string): DeadLetterRef {
  const text = ref.trim();
  if (isEntryId(text)) return { kind: 'event', id: text.includes('-') ? text : `${text}-0` };
  const slash = text.indexOf('/');
  if (slash > 0 && slash < text.length - 1)
    return { kind: 'job', queue: text.slice(0, slash), jobId: text.slice(slash + 1) };
  throw new Error(`"${ref}" is neither a dead letter id (<ms>-<seq>) nor <queue>/<job id>`);
}
