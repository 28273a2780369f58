import type { CliCommand } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';
import { parseCommandArgs } from '../parse-command-args';
import { noExtra, withIdentity } from './identity-cli';

const usage = `usage: npm run fillwire -- keys <issue|revoke|list> [options]

  keys issue <user> [--label <text>]   prints a new API key ONCE (only its SHA-256 is stored)
  keys revoke <key id>                 revokes the key and every session issued for it
  keys list <user>                     key ids, labels and hints (never the keys)`;

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'issue, revoke and list API keys',
  usage,
  async run(args, ctx) {
    const [action, ...rest] = args;
    const { values, positionals } = parseCommandArgs(rest, { label: { type: 'string' } });
    const [subject, ...extra] = positionals;
    noExtra(extra);
    switch (action) {
      case 'issue':
        if (!subject) throw new CliUsageError('keys issue needs a user id');
        return withIdentity(ctx, async (identity) => {
          const { apiKey, record } = await identity.issueKey(subject, values.label ?? null);
          ctx.out(`key id: ${record.keyId}`);
          ctx.out(`api key (shown once, store it now): ${apiKey}`);
          return 0;
        });
      case 'revoke':
        if (!subject) throw new CliUsageError('keys revoke needs a key id');
        return withIdentity(ctx, async (identity) => {
          const record = await identity.revokeKey(subject);
          ctx.out(`revoked ${record.keyId} of ${record.userId}`);
          return 0;
        });
      case 'list':
        if (!subject) throw new CliUsageError('keys list needs a user id');
        return withIdentity(ctx, async (identity) => {
          for (const k of await identity.listKeys(subject)) {
            ctx.out(`${k.keyId}\t${k.hint}\t${new Date(k.createdAt).toISOString()}\t${k.label ?? ''}`);
          }
          return 0;
        });
      default:
        throw new CliUsageError(action ? `unknown keys action "${action}"` : 'keys needs an action');
    }
  },
};
