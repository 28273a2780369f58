import { decodeEnvelope, fieldsToRecord } from './stream-entry';
import { testEnvelope } from './testing/test-envelope';

describe('stream entries', () => {
  it('pairs up fields', () => {
    expect(fieldsToRecord(['envelope', '{}', 'group', 'g'])).toEqual({ envelope: '{}', group: 'g' });
    expect(fieldsToRecord(['odd'])).toEqual({});
  });

  it('decodes a valid envelope and explains an invalid one', () => {
    const envelope = testEnvelope(1);
    expect(decodeEnvelope(JSON.stringify(envelope))).toEqual(envelope);
    expect(() => decodeEnvelope(undefined)).toThrow(/no "envelope" field/);
    expect(() => decodeEnvelope('{')).toThrow(/not valid JSON/);
    expect(() => decodeEnvelope(JSON.stringify({ ...envelope, version: 0 }))).toThrow(
      /invalid envelope: version/,
    );
  });
});
