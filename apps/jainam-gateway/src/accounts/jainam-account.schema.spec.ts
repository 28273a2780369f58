import { loadConfig } from '@fillwire/config';
import { JainamGatewayConfigSchema } from '../config/jainam-gateway-config.schema';
import { resolveJainamAccounts } from './jainam-account.schema';

const config = (env: Record<string, string>) => loadConfig('jainam-gateway', JainamGatewayConfigSchema, env);

describe('resolveJainamAccounts', () => {
  it('demo: JN0001 belongs to user demo, with the XTS_* key pair', () => {
    expect(resolveJainamAccounts(config({}))).toEqual([
      {
        accountId: 'JN0001',
        userId: 'demo',
        baseUrl: 'http://127.0.0.1:3101',
        appKey: 'xts-demo',
        secretKey: 'demo-secret',
        source: 'WEBAPI',
      },
    ]);
  });

  it('several accounts from inline JSON or a file; missing fields from XTS_*', () => {
    const inline =
      '[{"accountId":"JN0001","userId":"demo"},{"accountId":"JN0002","userId":"u2","appKey":"k2","secretKey":"s2"}]';
    expect(
      resolveJainamAccounts(config({ JAINAM_ACCOUNTS: inline })).map((a) => [
        a.accountId,
        a.userId,
        a.appKey,
      ]),
    ).toEqual([
      ['JN0001', 'demo', 'xts-demo'],
      ['JN0002', 'u2', 'k2'],
    ]);
    const fromFile = resolveJainamAccounts(config({ JAINAM_ACCOUNTS: '/etc/fw/jainam.json' }), (p) =>
      p === '/etc/fw/jainam.json' ? inline : '',
    );
    expect(fromFile).toHaveLength(2);
  });

  it('says what is wrong with a bad list', () => {
    expect(() => resolveJainamAccounts(config({ JAINAM_ACCOUNTS: '[{"accountId":"JN0001"}]' }))).toThrow(
      'JAINAM_ACCOUNTS: 0.userId',
    );
    expect(() =>
      resolveJainamAccounts(
        config({ JAINAM_ACCOUNTS: '[{"accountId":"A","userId":"u"},{"accountId":"A","userId":"v"}]' }),
      ),
    ).toThrow('account listed twice: A');
    expect(() => resolveJainamAccounts(config({ JAINAM_ACCOUNTS: '[oops' }))).toThrow('not JSON');
  });

  it('outside demo mode the default account needs its id and user', () => {
    expect(() =>
      config({
        FILLWIRE_DEMO: '0',
        XTS_BASE_URL: 'https://x.example',
        XTS_APP_KEY: 'k',
        XTS_SECRET_KEY: 's',
      }),
    ).toThrow(/XTS_ACCOUNT_ID[\s\S]*XTS_USER_ID/);
    expect(
      config({
        FILLWIRE_DEMO: '0',
        XTS_BASE_URL: 'https://x.example',
        XTS_APP_KEY: 'k',
        XTS_SECRET_KEY: 's',
        JAINAM_ACCOUNTS: '[]',
      }).JAINAM_ACCOUNTS,
    ).toBe('[]');
  });
});
