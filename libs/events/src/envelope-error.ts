export type EnvelopeErrorReason =
  'not-json' | 'invalid-envelope' | 'unknown-type' | 'unsupported-version' | 'invalid-data';

/** Why an envelope could not be built or read; `issues` lists each bad field as `path: message`. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';

  constructor(
    readonly reason: EnvelopeErrorReason,
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
  }
}
