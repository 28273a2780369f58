import { UserRoleSchema } from '@fillwire/identity';
import type { CliCommand } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';
import { parseCommandArgs } from '../parse-command-args';
import { noExtra, withIdentity } from './identity-cli';

const usage = `usage: npm run fillwire -- users <add|list> [options]

  users add <id> [--name <name>] [--role user|admin]   creates a user (no-op if it exists)
  users list                                           users with their accounts and key count`;

export const usersCommand: CliCommand = {
  name: 'users',
  summary: 'add and list Fillwire users',
  usage,
  async run(args, ctx) {
    const [action, ...rest] = args;
    const { values, positionals } = parseCommandArgs(rest, { name: { type: 'string' }, role: { type: 'string' } });
    switch (action) {
      case 'add': {
        const [id, ...extra] = positionals;
        if (!id) throw new CliUsageError('users add needs a user id');
        noExtra(extra);
        const role = values.role === undefined ? undefined : UserRoleSchema.safeParse(values.role);
        if (role && !role.success) throw new CliUsageError(`--role must be user or admin, got "${values.role}"`);
        return withIdentity(ctx, async (identity) => {
          const { user, created } = await identity.addUser({ id, name: values.name, role: role?.data });
          ctx.out(`${created ? 'created' : 'exists '} ${user.id} (${user.role}) ${user.name}`);
          return 0;
        });
      }
      case 'list':
        noExtra(positionals);
        return withIdentity(ctx, async (identity) => {
          for (const user of await identity.listUsers()) {
            const [accounts, keys] = await Promise.all([identity.listAccounts(user.id), identity.listKeys(user.id)]);
            const linked = accounts.map((a) => `${a.broker}:${a.accountId}`).join(',') || '-';
            ctx.out(`${user.id}\t${user.role}\taccounts=${linked}\tkeys=${keys.length}\t${user.name}`);
          }
          return 0;
        });
      default:
        throw new CliUsageError(action ? `unknown users action "${action}"` : 'users needs an action');
    }
  },
};
