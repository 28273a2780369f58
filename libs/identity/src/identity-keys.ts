/** Redis keys of the identity store, all under `<prefix>:identity:`. */
export function identityKeys(prefix: string) {
  const base = `${prefix}:identity`;
  return {
    users: `${base}:users`,
    user: (id: string) => `${base}:user:${id}`,
    /** API key hash → ApiKeyRecord. */
    apiKey: (hash: string) => `${base}:key:${hash}`,
    /** keyId → API key hash (revoke by id). */
    keyId: (keyId: string) => `${base}:key-id:${keyId}`,
    userKeys: (userId: string) => `${base}:user-keys:${userId}`,
    account: (accountId: string) => `${base}:account:${accountId}`,
    /** A list, so "the user's first account" is stable (OpenAlgo has one account per key). */
    userAccounts: (userId: string) => `${base}:user-accounts:${userId}`,
    /** accountId → userId for every linked account (gateways map accounts to users in one read). */
    accountOwners: `${base}:account-owners`,
    session: (hash: string) => `${base}:session:${hash}`,
  };
}
export type IdentityKeys = ReturnType<typeof identityKeys>;
