/**
 * Redis key names of the event bus. `<prefix>:events` and `<prefix>:events:dlq` are public
 * contracts (see docs/architecture.md); the rest are internal.
 */
export interface BusKeys {
  readonly prefix: string;
  /** The event log every service reads. */
  readonly events: string;
  /** Dead letters of every consumer group. */
  readonly dlq: string;
  /** Replays of dead letters for one group only, read by that group next to the log. */
  retry(group: string): string;
  /** Marks an envelope id as published (value: its entry id) for the dedup window. */
  dedup(envelopeId: string): string;
  /** The last handler error of an entry still pending in a group. */
  lastError(group: string, entryId: string): string;
}

const PREFIX = /^[A-Za-z0-9_-]+$/;
const GROUP = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

export function assertPrefix(prefix: string): string {
  if (!PREFIX.test(prefix))
    throw new Error(`invalid key prefix "${prefix}": only letters, digits, _ and - (no ":")`);
  return prefix;
}

/** Group names are service names: lowercase kebab-case (dots and underscores allowed), never ":". */
export function assertGroupName(group: string): string {
  if (!GROUP.test(group))
    throw new Error(`invalid consumer group "${group}": use lowercase kebab-case, no ":"`);
  return group;
}

export function busKeys(prefix: string): BusKeys {
  assertPrefix(prefix);
  const events = `${prefix}:events`;
  return {
    prefix,
    events,
    dlq: `${events}:dlq`,
    retry: (group) => `${events}:retry:${assertGroupName(group)}`,
    dedup: (envelopeId) => `${prefix}:dedup:${envelopeId}`,
    lastError: (group, entryId) => `${events}:error:${group}:${entryId}`,
  };
}

/** Stream entry ids are `<ms>-<seq>`; the time part says when Redis appended it. */
export function entryIdTime(entryId: string): number {
  const ms = Number(entryId.split('-', 1)[0]);
  if (!Number.isFinite(ms)) throw new Error(`not a stream entry id: "${entryId}"`);
  return ms;
}

const ENTRY_ID = /^\d+(?:-\d+)?$/;
export function isEntryId(value: string): boolean {
  return ENTRY_ID.test(value);
}
