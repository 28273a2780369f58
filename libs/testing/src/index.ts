export { freePort } from './free-port';
export { startRedisServer, type RedisServerHandle, type RedisServerOptions } from './redis-server';
export { testRedisUrl, testPrefix } from './test-redis';
export { waitFor, nextEvent } from './wait-for';
