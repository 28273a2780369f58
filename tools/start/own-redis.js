// The local Redis that `npm start` runs when REDIS_URL is unset: AOF on, noeviction (BullMQ's
// production settings), data under <data>/redis. Plain Node so `npm start` needs no build step.
'use strict';

const { spawn } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const Redis = require('ioredis');

/** One short-lived connection that never retries: for probing a port. */
async function probe(url, fn) {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

async function isUp(url) {
  try {
    return (await probe(url, (c) => c.ping())) === 'PONG';
  } catch {
    return false;
  }
}

/** The data dir of whatever Redis answers on the URL (undefined if none or not a Redis). */
async function dirOf(url) {
  try {
    const reply = await probe(url, (c) => c.config('GET', 'dir'));
    return Array.isArray(reply) ? String(reply[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function portTaken(port) {
  const net = require('node:net');
  return new Promise((done) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Starts (or reuses, when a previous run left it running) our redis-server on 127.0.0.1:port.
 * Returns { url, reused, stop() }. Detached in its own process group, so a terminal Ctrl-C reaches
 * the services first and Redis is stopped last, after they have closed their connections.
 */
async function startOwnRedis({
  port,
  dataDir,
  logFile,
  binary = process.env.REDIS_SERVER_BIN || 'redis-server',
}) {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const url = `redis://127.0.0.1:${port}`;

  if (await portTaken(port)) {
    const other = await dirOf(url);
    if (other !== dir) {
      throw new Error(
        `port ${port} is in use by ${other ? `another Redis (data in ${other})` : 'another program'}; ` +
          'set REDIS_URL to use an existing Redis, or FILLWIRE_REDIS_PORT to pick another port',
      );
    }
    return { url, dir, reused: true, pid: undefined, stop: () => shutdown(url) };
  }

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    logFile,
  ];
  const child = spawn(binary, args, { stdio: 'ignore', detached: true });
  let exited = false;
  const exit = new Promise((done) =>
    child.once('exit', (code, signal) => ((exited = true), done({ code, signal }))),
  );
  const spawnError = new Promise((_, reject) => child.once('error', reject));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`redis-server exited during startup; see ${logFile}`);
    if (await Promise.race([isUp(url), spawnError])) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} within 15 s; see ${logFile}`);
    }
    await sleep(100);
  }
  return {
    url,
    dir,
    reused: false,
    pid: child.pid,
    child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}

/** Stops a Redis we did not spawn in this run (left over from an earlier one): SHUTDOWN keeps the AOF. */
async function shutdown(url) {
  try {
    await probe(url, (c) => c.call('SHUTDOWN'));
  } catch {
    // SHUTDOWN closes the connection instead of replying.
  }
  const deadline = Date.now() + 10_000;
  while ((await isUp(url)) && Date.now() < deadline) await sleep(100);
}

module.exports = {
  startOwnRedis,
  isUp,
  portTaken,
  logPath: (dataDir, name) => join(dataDir, 'logs', `${name}.log`),
};
