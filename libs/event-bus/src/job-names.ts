const QUEUE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Queue names are kebab-case and never contain ":" (BullMQ builds its keys with ":"). */
export function assertQueueName(name: string): string {
  if (!QUEUE_NAME.test(name))
    throw new Error(`invalid queue name "${name}": use kebab-case (a-z, 0-9, -), no ":"`);
  return name;
}

/**
 * A job id from business keys, so the same business action collapses to one job:
 * `jobId('place-order', 'AB1234', idempotencyKey)`. The kind comes first and is kebab-case, so an
 * id is never all digits; ":" (BullMQ's separator) and "." (ours) are escaped inside the parts.
 */
export function jobId(kind: string, ...parts: readonly (string | number)[]): string {
  if (!QUEUE_NAME.test(kind)) throw new Error(`invalid job kind "${kind}": use kebab-case`);
  if (parts.length === 0) throw new Error('a job id needs at least one business key');
  const encoded = parts.map((part) => {
    const text = String(part);
    if (text.length === 0) throw new Error(`empty business key in job id for "${kind}"`);
    return text.replace(/[%:.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  });
  return [kind, ...encoded].join('.');
}
