import { EnvelopeSchema, type EventEnvelope } from '@fillwire/events';

/** A raw stream entry as Redis returns it: [id, [field, value, field, value, ...]]. */
export type RawEntry = [id: string, fields: string[]];

export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

/** Parses and validates the `envelope` field of an entry; throws a readable error when it is not one. */
export function decodeEnvelope(raw: string | undefined): EventEnvelope {
  if (raw === undefined) throw new Error('entry has no "envelope" field');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('envelope is not valid JSON');
  }
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`invalid envelope: ${problems}`);
  }
  return parsed.data;
}

/** Wall-clock epoch ms with a sub-ms fraction, comparable across processes on one host. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
