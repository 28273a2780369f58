import { ConfigError, loadConfig } from '@fillwire/config';
import { NotifierConfigSchema } from './notifier-config.schema';

const load = (env: Record<string, string>) => loadConfig('notifier', NotifierConfigSchema, env);

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('NotifierConfigSchema', () => {
  it('defaults to port 3001 and WebSocket delivery only', () => {
    expect(load({})).toMatchObject({
      PORT: 3001,
      ORDER_EVENT_MODE: 'websocket',
      KAFKA_BROKERS: [],
      KAFKA_ORDER_EVENTS_TOPIC: 'fillwire.order-events',
    });
  });

  it('accepts socketio as the seeds’ name for websocket', () => {
    expect(load({ ORDER_EVENT_MODE: 'socketio' }).ORDER_EVENT_MODE).toBe('websocket');
  });

  it('kafka and both need brokers, and say so by name', () => {
    for (const mode of ['kafka', 'both']) {
      const found = problems({ ORDER_EVENT_MODE: mode });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^KAFKA_BROKERS: is required when ORDER_EVENT_MODE is kafka or both/);
    }
    expect(
      load({ ORDER_EVENT_MODE: 'both', KAFKA_BROKERS: 'k1:9092, k2:9092', KAFKA_ORDER_EVENTS_TOPIC: 'esb' }),
    ).toMatchObject({
      ORDER_EVENT_MODE: 'both',
      KAFKA_BROKERS: ['k1:9092', 'k2:9092'],
      KAFKA_ORDER_EVENTS_TOPIC: 'esb',
    });
  });

  it('lists the kafka rule together with other problems', () => {
    const found = problems({ ORDER_EVENT_MODE: 'kafka', PORT: 'abc', REDIS_URL: 'http://x' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['KAFKA_BROKERS', 'PORT', 'REDIS_URL']);
  });

  it('treats empty demo keys as unset (compose passes ${VAR:-})', () => {
    expect(load({ FILLWIRE_DEMO_API_KEY: '', FILLWIRE_DEMO2_API_KEY: '' })).toMatchObject({
      FILLWIRE_DEMO_API_KEY: undefined,
      FILLWIRE_DEMO2_API_KEY: undefined,
    });
    expect(problems({ FILLWIRE_DEMO_API_KEY: 'short' })).toEqual([
      'FILLWIRE_DEMO_API_KEY: must be at least 16 characters',
    ]);
  });

  it('rejects an unknown mode', () => {
    expect(problems({ ORDER_EVENT_MODE: 'carrier-pigeon' })).toEqual([
      'ORDER_EVENT_MODE: expected websocket, socketio, kafka or both',
    ]);
  });
});

describe('NotifierConfigSchema kafka topic and socket settings', () => {
  it('kafka mode refuses an empty topic and names both missing variables', () => {
    const found = problems({ ORDER_EVENT_MODE: 'kafka', KAFKA_ORDER_EVENTS_TOPIC: ' ' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['KAFKA_BROKERS', 'KAFKA_ORDER_EVENTS_TOPIC']);
    expect(load({ KAFKA_ORDER_EVENTS_TOPIC: '' }).ORDER_EVENT_MODE).toBe('websocket');
    expect(problems({ KAFKA_ORDER_EVENTS_TOPIC: 'bad topic' })[0]).toMatch(
      /^KAFKA_ORDER_EVENTS_TOPIC: expected a Kafka topic/,
    );
  });

  it('parses socket limits and the first-message timeout', () => {
    expect(load({ WS_AUTH_TIMEOUT: '250ms', WS_MAX_BUFFERED_BYTES: '65536' })).toMatchObject({
      WS_AUTH_TIMEOUT: 250,
      WS_HEARTBEAT_INTERVAL: 30_000,
      WS_MAX_BUFFERED_BYTES: 65_536,
      TELEGRAM_API_URL: 'https://api.telegram.org',
    });
  });
});
