import Redis from 'ioredis';
import { startRedisServer } from './redis-server';

describe('startRedisServer', () => {
  it('starts a private server, keeps AOF data across kill -9 and restart, then stops', async () => {
    const server = await startRedisServer({ aof: true, fsync: 'always' });
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: null });
    try {
      await client.connect();
      await client.set('k', 'v');
      await server.kill();
      await server.restart();
      await expect(client.get('k')).resolves.toBe('v');
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
