import { Logger } from '@nestjs/common';
import pino from 'pino';
import { NestPinoLogger } from './nest-pino-logger';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { lines, service: new NestPinoLogger(logger) };
}

describe('NestPinoLogger', () => {
  it('logs a Nest Logger call with an object and a message as one line with its context', () => {
    const { lines, service } = capture();
    const logger = new Logger('OrdersService');
    Logger.overrideLogger(service);
    logger.log({ orderId: '42' }, 'order placed');
    Logger.overrideLogger(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      context: 'OrdersService',
      orderId: '42',
      msg: 'order placed',
    });
  });

  it('keeps plain messages and maps Nest levels to pino levels', () => {
    const { lines, service } = capture('trace');
    service.warn('slow broker', 'Brokers');
    service.verbose('detail', 'Brokers');
    service.debug('dbg');
    expect(lines.map((l) => [l.level, l.msg, l.context])).toEqual([
      [40, 'slow broker', 'Brokers'],
      [10, 'detail', 'Brokers'],
      [20, 'dbg', undefined],
    ]);
  });

  it("turns Nest's error(message, stack, context) into an error with that stack", () => {
    const { lines, service } = capture();
    service.error('boom', 'Error: boom\n    at handler (x.ts:1:1)', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 50, context: 'ExceptionsHandler' });
    expect((lines[0].err as { message: string; stack: string }).message).toBe('boom');
    expect((lines[0].err as { stack: string }).stack).toContain('at handler');
  });

  it('logs an Error object under err', () => {
    const { lines, service } = capture();
    service.error(new Error('redis down'), 'lost connection', 'Redis');
    expect(lines[0]).toMatchObject({ context: 'Redis', msg: 'lost connection' });
    expect((lines[0].err as { message: string }).message).toBe('redis down');
  });

  it('writes nothing below the level', () => {
    const { lines, service } = capture('warn');
    service.log('chatty', 'X');
    expect(lines).toHaveLength(0);
  });
});
