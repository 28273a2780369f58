import type { Broker } from '@fillwire/events';
import type { IdentityService } from './identity.service';
import type { UserRole } from './identity.schema';

interface DemoUser {
  id: string;
  name: string;
  role: UserRole;
  accounts: Array<{ broker: Broker; accountId: string }>;
  keyEnv: 'FILLWIRE_DEMO_API_KEY' | 'FILLWIRE_DEMO2_API_KEY';
}

/**
 * The demo identities of the architecture brief. `demo` is an admin so the demo key can also
 * change feature flags (admin endpoints check the user's role).
 */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'demo',
    name: 'Demo Trader',
    role: 'admin',
    accounts: [
      { broker: 'zerodha', accountId: 'AB1234' },
      { broker: 'jainam', accountId: 'JN0001' },
    ],
    keyEnv: 'FILLWIRE_DEMO_API_KEY',
  },
  {
    id: 'demo2',
    name: 'Second Trader',
    role: 'user',
    accounts: [{ broker: 'zerodha', accountId: 'CD5678' }],
    keyEnv: 'FILLWIRE_DEMO2_API_KEY',
  },
];

export interface DemoSeedResult {
  /** Keys generated here because none was configured and the user had none: print them once. */
  generated: Array<{ userId: string; apiKey: string }>;
}

/**
 * Seeds the demo users, accounts and keys; idempotent, so every service can run it at boot and
 * they agree (keys come from the environment; `npm start` generates and passes them). With no key
 * configured, one is generated only if `generateMissing` and the user has none yet.
 */
export async function seedDemoIdentity(
  identity: IdentityService,
  keys: Partial<Record<DemoUser['keyEnv'], string | undefined>>,
  options: { generateMissing?: boolean } = {},
): Promise<DemoSeedResult> {
  const generated: DemoSeedResult['generated'] = [];
  for (const demo of DEMO_USERS) {
    const { user } = await identity.addUser({ id: demo.id, name: demo.name, role: demo.role });
    if (user.role !== demo.role) await identity.setRole(demo.id, demo.role);
    for (const account of demo.accounts) await identity.linkAccount(demo.id, account.broker, account.accountId);
    const key = keys[demo.keyEnv];
    if (key) await identity.importKey(demo.id, key, `${demo.id}-env`, `${demo.keyEnv}`);
    else if (options.generateMissing && (await identity.listKeys(demo.id)).length === 0) {
      const { apiKey } = await identity.issueKey(demo.id, 'generated at boot');
      generated.push({ userId: demo.id, apiKey });
    }
  }
  return { generated };
}
