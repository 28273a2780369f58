import { BrokerSchema } from '@fillwire/events';
import type { CliCommand } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';
import { parseCommandArgs } from '../parse-command-args';
import { noExtra, withIdentity } from './identity-cli';

const usage = `usage: npm run fillwire -- accounts <link|list> [options]

  accounts link <user> <zerodha|jainam> <account id>   links a broker account (Kite user id, XTS client code)
  accounts list <user>`;

export const accountsCommand: CliCommand = {
  name: 'accounts',
  summary: 'link broker accounts to users',
  usage,
  async run(args, ctx) {
    const [action, ...rest] = args;
    const { positionals } = parseCommandArgs(rest, {});
    switch (action) {
      case 'link': {
        const [userId, brokerName, accountId, ...extra] = positionals;
        noExtra(extra);
        if (!userId || !brokerName || !accountId) throw new CliUsageError('accounts link needs <user> <broker> <account id>');
        const broker = BrokerSchema.safeParse(brokerName);
        if (!broker.success) throw new CliUsageError(`broker must be zerodha, jainam or paper, got "${brokerName}"`);
        return withIdentity(ctx, async (identity) => {
          const { account, linked } = await identity.linkAccount(userId, broker.data, accountId);
          ctx.out(`${linked ? 'linked' : 'already linked'} ${account.broker}:${account.accountId} → ${account.userId}`);
          return 0;
        });
      }
      case 'list': {
        const [userId, ...extra] = positionals;
        noExtra(extra);
        if (!userId) throw new CliUsageError('accounts list needs a user id');
        return withIdentity(ctx, async (identity) => {
          for (const a of await identity.listAccounts(userId)) ctx.out(`${a.broker}\t${a.accountId}`);
          return 0;
        });
      }
      default:
        throw new CliUsageError(action ? `unknown accounts action "${action}"` : 'accounts needs an action');
    }
  },
};
