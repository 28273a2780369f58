import { Logger } from '@nestjs/common';
import { UpdateDeduper, verifyKitePostbackChecksum } from '@fillwire/broker-adapters';
import { MetricsService } from '@fillwire/observability';
import { FakeEventLog } from '../../test/fake-event-log';
import { samplePostback } from '../../test/kite-payloads';
import { AccountRegistry } from '../accounts/account-registry.service';
import { resolveAccounts } from '../accounts/kite-account.schema';
import { IngestMetrics } from '../ingest/ingest-metrics.service';
import { OrderIngestService } from '../ingest/order-ingest.service';
import { PostbackService } from './postback.service';

const body = (value: unknown): Buffer =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function setup() {
  const accounts = resolveAccounts(
    [
      { accountId: 'AB1234', userId: 'demo' },
      { accountId: 'EF9012', userId: 'carol', apiKey: 'app2', apiSecret: 'secret-two' },
    ],
    { apiKey: 'kite-demo', apiSecret: 'demo-secret', demo: true },
  );
  const log = new FakeEventLog();
  const metrics = new IngestMetrics(new MetricsService('zerodha-postback'));
  const registry = new AccountRegistry({ accounts, KITE_API_SECRET: 'demo-secret' });
  const ingest = new OrderIngestService(log, new UpdateDeduper(), metrics);
  return { log, metrics, service: new PostbackService(registry, ingest, metrics) };
}

describe('Kite postback checksum', () => {
  it('matches the brokers.md test vector, in constant time, case-insensitively', () => {
    const payload = {
      order_id: '220303000308932',
      order_timestamp: '2022-03-03 09:24:25',
      checksum: '921a4c1420e9e07eaa8152e0964693f0656a0c5ce049f187ac3cc475d622aa36',
    };
    expect(verifyKitePostbackChecksum(payload, 'test_api_secret')).toBe(true);
    expect(
      verifyKitePostbackChecksum({ ...payload, checksum: payload.checksum.toUpperCase() }, 'test_api_secret'),
    ).toBe(true);
    expect(verifyKitePostbackChecksum(payload, 'other_secret')).toBe(false);
    expect(
      verifyKitePostbackChecksum({ ...payload, checksum: payload.checksum.slice(0, 32) }, 'test_api_secret'),
    ).toBe(false);
  });
});

describe('PostbackService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn']);
  });

  it('publishes a valid postback with the receipt time and the account owner', async () => {
    const { service, log } = setup();
    const reply = await service.receive(body(samplePostback('AB1234', 'demo-secret')), 1_767_240_000_123.25);
    expect(reply).toEqual({ httpStatus: 200, body: { status: 'ok', id: log.envelopes[0].id } });
    expect(log.envelopes[0]).toMatchObject({
      receivedAt: 1_767_240_000_123.25,
      userId: 'demo',
      accountId: 'AB1234',
      channel: 'postback',
      source: 'zerodha-postback',
      key: '2042130686722629633',
    });
  });

  it('verifies against every configured app secret', async () => {
    const { service } = setup();
    expect((await service.receive(body(samplePostback('EF9012', 'secret-two')), 1)).httpStatus).toBe(200);
    expect((await service.receive(body(samplePostback('EF9012', 'secret-three')), 1)).httpStatus).toBe(401);
  });

  it('checks JSON, then shape, then checksum, then account', async () => {
    const { service, log } = setup();
    const noChecksum = samplePostback('AB1234', 'demo-secret');
    delete noChecksum.checksum;
    const noAccount = samplePostback('AB1234', 'demo-secret');
    delete noAccount.user_id;
    delete noAccount.placed_by;
    const replies = await Promise.all([
      service.receive(undefined, 1),
      service.receive(body('not json'), 1),
      service.receive(body({ order_id: 123, order_timestamp: 'x' }), 1),
      service.receive(body(noChecksum), 1),
      service.receive(body(samplePostback('ZZ0000', 'demo-secret')), 1),
      service.receive(body(noAccount), 1),
    ]);
    expect(replies.map((r) => r.httpStatus)).toEqual([400, 400, 400, 401, 202, 400]);
    expect(replies[2].body.message).toMatch(/order_id/);
    expect(log.envelopes).toEqual([]);
  });

  it('answers 503 when the bus refuses, and the same update is published once the bus is back', async () => {
    const { service, log } = setup();
    log.down = true;
    expect((await service.receive(body(samplePostback('AB1234', 'demo-secret')), 1)).httpStatus).toBe(503);
    log.down = false;
    expect((await service.receive(body(samplePostback('AB1234', 'demo-secret')), 1)).body).toEqual({
      status: 'ok',
      id: log.envelopes[0].id,
    });
  });
});
