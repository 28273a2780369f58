// Starts one private redis-server for the whole Jest run (on a free port, data in a temp dir);
// every test uses its own key prefix on it. Tests that must restart or kill Redis start their own.
require('@swc-node/register');
const { startRedisServer } = require('../../libs/testing/src/redis-server');

module.exports = async function globalSetup() {
  const server = await startRedisServer();
  globalThis.__FILLWIRE_TEST_REDIS__ = server;
  process.env.FILLWIRE_TEST_REDIS_URL = server.url;
};
