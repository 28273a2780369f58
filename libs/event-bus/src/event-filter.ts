import type { EventEnvelope } from '@fillwire/events';

/**
 * Which events a subscriber or reader wants. Every list given must match (types AND users AND
 * accounts); an empty or missing list matches everything. Types are exact names or a `domain.*`
 * style prefix.
 */
export interface EventFilter {
  types?: readonly string[];
  userIds?: readonly string[];
  accountIds?: readonly string[];
}

export type EnvelopePredicate = (envelope: Pick<EventEnvelope, 'type' | 'userId' | 'accountId'>) => boolean;

export function compileFilter(filter: EventFilter = {}): EnvelopePredicate {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const type of filter.types ?? []) {
    if (type === '*') continue;
    if (type.endsWith('.*')) prefixes.push(type.slice(0, -1));
    else exact.add(type);
  }
  const anyType = exact.size === 0 && prefixes.length === 0;
  const users = filter.userIds?.length ? new Set(filter.userIds) : undefined;
  const accounts = filter.accountIds?.length ? new Set(filter.accountIds) : undefined;
  if (anyType && !users && !accounts) return () => true;
  return (envelope) =>
    (anyType || exact.has(envelope.type) || prefixes.some((p) => envelope.type.startsWith(p))) &&
    (!users || (envelope.userId !== undefined && users.has(envelope.userId))) &&
    (!accounts || (envelope.accountId !== undefined && accounts.has(envelope.accountId)));
}
