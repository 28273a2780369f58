module.exports = async function globalTeardown() {
  const server = globalThis.__FILLWIRE_TEST_REDIS__;
  if (server) await server.stop();
};
