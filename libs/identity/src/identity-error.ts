/** A user, key or account operation the caller got wrong (unknown user, duplicate link, ...). */
export class IdentityError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'invalid',
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
