import { Writable } from 'node:stream';
import { createLogger, secretValues } from './create-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level label and ISO time', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'order-api', destination });
    logger.child({ context: 'OrdersService' }).info({ orderId: 'O1', eventId: 'E1' }, 'placed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'order-api',
      context: 'OrdersService',
      orderId: 'O1',
      eventId: 'E1',
      msg: 'placed',
    });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 's', level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts secrets by field name at any depth and by value in messages and errors', () => {
    const { lines, destination } = capture();
    const config = {
      KITE_API_KEY: 'kite-demo',
      KITE_API_SECRET: 'super-secret-value',
      PORT: 3000,
      HOST: '127.0.0.1',
    };
    const logger = createLogger({ service: 's', destination, secrets: secretValues(config) });
    logger.info({ config }, 'config loaded');
    logger.info({ body: { user: { password: 'p4ss', apikey: 'k' } } }, 'login');
    logger.warn('checksum mismatch for secret super-secret-value');
    logger.error(
      { err: new Error('GET https://x/?api_secret=super-secret-value failed') },
      'broker call failed',
    );
    logger.info({ req: { headers: { authorization: 'Bearer abc' } } }, 'raw');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('super-secret-value');
    expect(text).not.toContain('p4ss');
    expect(text).not.toContain('Bearer abc');
    expect(lines[0].config).toEqual({
      KITE_API_KEY: '[redacted]',
      KITE_API_SECRET: '[redacted]',
      PORT: 3000,
      HOST: '127.0.0.1',
    });
    expect((lines[3].err as { message: string }).message).toBe('GET https://x/?api_secret=[redacted] failed');
  });

  it('logs an err that is not an Error (string, object, undefined) without throwing', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 's', secrets: ['s3cr3t-value'], destination });
    logger.error({ err: 'failed with s3cr3t-value' }, 'a string');
    logger.error({ err: { code: 'E1', apiSecret: 'x' } }, 'an object');
    logger.error({ err: undefined }, 'nothing');
    expect(lines.map((l) => l.msg)).toEqual(['a string', 'an object', 'nothing']);
    expect(lines[0].err).toBe('failed with [redacted]');
    expect(lines[1].err).toEqual({ code: 'E1', apiSecret: '[redacted]' });
  });

  it('collects only secret-named string values of a config', () => {
    expect(
      secretValues({
        KITE_API_SECRET: 'abcdefgh',
        XTS_SECRET_KEY: 'short',
        PORT: 3000,
        HOST: 'localhost-host',
      }),
    ).toEqual(['abcdefgh']);
  });
});
