#!/usr/bin/env node
// `npm start`: Redis (REDIS_URL, or our own redis-server with AOF), the broker simulators and the
// five services as child processes with one environment; prints the URLs and demo keys; Ctrl-C
// stops the services first, then our Redis. Plain Node so it runs right after `npm ci`.
'use strict';

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { startOwnRedis, portTaken } = require('./own-redis');

const ROOT = resolve(__dirname, '..', '..');
const SIM_ENTRY = join(ROOT, 'tools/broker-sim/src/main.ts');
const USAGE = `usage: npm start [-- --demo-traffic] [-- --verbose]

  --demo-traffic  also place a stream of sample orders (FILLWIRE_DEMO_TRAFFIC=1 for every service)
  --verbose       print every log line of every process here (default: warnings and errors)

Environment: REDIS_URL (else own redis-server on FILLWIRE_REDIS_PORT, default 6390),
ORDER_API_PORT, NOTIFIER_PORT, ZERODHA_POSTBACK_PORT, JAINAM_GATEWAY_PORT, PORTFOLIO_MANAGER_PORT
(3000-3004), SIM_KITE_PORT, SIM_XTS_PORT (3100, 3101), FILLWIRE_DATA_DIR (default .data),
FILLWIRE_DEMO_API_KEY, FILLWIRE_DEMO2_API_KEY, plus every variable the services read.`;

const SERVICES = [
  { name: 'order-api', portVar: 'ORDER_API_PORT', port: 3000 },
  { name: 'notifier', portVar: 'NOTIFIER_PORT', port: 3001 },
  { name: 'zerodha-postback', portVar: 'ZERODHA_POSTBACK_PORT', port: 3002 },
  { name: 'jainam-gateway', portVar: 'JAINAM_GATEWAY_PORT', port: 3003 },
  { name: 'portfolio-manager', portVar: 'PORTFOLIO_MANAGER_PORT', port: 3004 },
];

function fail(message) {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

function portFrom(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`${name} must be a port number, got "${raw}"`);
  return port;
}

const set = (value) => value !== undefined && value !== '';

/** Demo keys: from the environment, else generated on the first run and kept in <data>/demo-keys.json. */
function demoKeys(env, dataDir) {
  const file = join(dataDir, 'demo-keys.json');
  let saved = {};
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      saved = {};
    }
  }
  const make = () => `fw_demo_${randomBytes(18).toString('base64url')}`;
  const keys = {
    FILLWIRE_DEMO_API_KEY: env.FILLWIRE_DEMO_API_KEY || saved.FILLWIRE_DEMO_API_KEY || make(),
    FILLWIRE_DEMO2_API_KEY: env.FILLWIRE_DEMO2_API_KEY || saved.FILLWIRE_DEMO2_API_KEY || make(),
  };
  if (!set(env.FILLWIRE_DEMO_API_KEY) || !set(env.FILLWIRE_DEMO2_API_KEY)) {
    writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return keys;
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Console view of a JSON log line: warnings and errors (everything with --verbose), compact. */
function consoleLine(name, line, verbose) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `${name} | ${line}`;
  }
  if (!entry || typeof entry !== 'object') return `${name} | ${line}`;
  const level = typeof entry.level === 'number' ? entry.level : (LEVELS[entry.level] ?? 30);
  if (!verbose && level < LEVELS.warn) return undefined;
  const label = Object.keys(LEVELS).find((k) => LEVELS[k] === level) ?? String(entry.level);
  const context = entry.context ? ` [${entry.context}]` : '';
  const err = entry.err && entry.err.message ? ` (${entry.err.message})` : '';
  return `${name} | ${label.toUpperCase()}${context} ${entry.msg ?? ''}${err}`;
}

class Child {
  constructor({ name, args, env, logFile, verbose, onExit }) {
    this.name = name;
    this.tail = [];
    this.exited = false;
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.log.write(`--- ${new Date().toISOString()} npm start: ${name}\n`);
    // The IPC channel lets a service notice when start.js is gone, even killed with SIGKILL.
    this.proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.exit = new Promise((done) => {
      this.proc.once('exit', (code, signal) => {
        this.exited = true;
        this.code = code;
        this.signal = signal;
        onExit(this);
        done();
      });
    });
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        this.log.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.line(line, verbose);
      });
      stream.on('end', () => partial && this.line(partial, verbose));
    }
  }

  line(line, verbose) {
    if (!line) return;
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    const shown = consoleLine(this.name, line, verbose);
    if (shown) process.stdout.write(`${shown}\n`);
  }

  async stop(timeoutMs) {
    if (this.exited) return true;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exit;
    clearTimeout(killer);
    return this.signal !== 'SIGKILL';
  }
}

async function httpOk(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknown = argv.filter((a) => !['--demo-traffic', '--verbose'].includes(a));
  if (unknown.length > 0) fail(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const verbose = argv.includes('--verbose');
  const env = { ...process.env };
  const dataDir = resolve(ROOT, env.FILLWIRE_DATA_DIR || '.data');
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const shortPath = (p) => (p.startsWith(ROOT) ? relative(ROOT, p) : p);
  const host = '127.0.0.1';
  const services = SERVICES.map((s) => ({ ...s, port: portFrom(env, s.portVar, s.port) }));
  const simKitePort = portFrom(env, 'SIM_KITE_PORT', 3100);
  const simXtsPort = portFrom(env, 'SIM_XTS_PORT', 3101);
  const withSim = existsSync(SIM_ENTRY);

  const busy = [];
  for (const [what, port] of [
    ...services.map((s) => [s.name, s.port]),
    ...(withSim
      ? [
          ['Kite simulator', simKitePort],
          ['XTS simulator', simXtsPort],
        ]
      : []),
  ]) {
    if (await portTaken(port)) busy.push(`${what} port ${port}`);
  }
  if (busy.length > 0) fail(`already in use: ${busy.join(', ')} (is Fillwire already running?)`);

  const children = [];
  let stopping = false;
  let up = false;

  let redis;
  const redisPort = portFrom(env, 'FILLWIRE_REDIS_PORT', 6390);
  if (set(env.REDIS_URL)) {
    redis = { url: env.REDIS_URL, own: false, stop: async () => undefined };
  } else {
    try {
      redis = {
        ...(await startOwnRedis({ port: redisPort, dataDir, logFile: join(logDir, 'redis.log') })),
        own: true,
      };
    } catch (err) {
      fail(err.message);
    }
  }

  const stopAll = async (exitCode) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('npm start: stopping services...\n');
    const clean = await Promise.all(children.map((c) => c.stop(10_000)));
    if (redis.own) {
      process.stdout.write('npm start: stopping Redis...\n');
      await redis.stop();
    }
    for (const c of children) c.log.end();
    process.stdout.write('npm start: stopped.\n');
    process.exit(clean.every(Boolean) ? exitCode : 1);
  };
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      signals += 1;
      if (signals > 1) {
        // A second Ctrl-C: stop waiting.
        for (const c of children) if (!c.exited) c.proc.kill('SIGKILL');
        if (redis.own && redis.child && !redis.child.killed) redis.child.kill('SIGKILL');
        process.exit(130);
      }
      void stopAll(0);
    });
  }
  // Last resort if start.js itself dies: take the services down with it.
  process.on('exit', () => {
    for (const c of children) if (!c.exited) c.proc.kill('SIGKILL');
  });

  const keys = env.FILLWIRE_DEMO === '0' || env.FILLWIRE_DEMO === 'false' ? {} : demoKeys(env, dataDir);
  const childEnv = {
    ...env,
    ...keys,
    REDIS_URL: redis.url,
    KITE_ROOT_URL: env.KITE_ROOT_URL || (withSim ? `http://${host}:${simKitePort}` : undefined),
    KITE_WS_URL: env.KITE_WS_URL || (withSim ? `ws://${host}:${simKitePort}` : undefined),
    XTS_BASE_URL: env.XTS_BASE_URL || (withSim ? `http://${host}:${simXtsPort}` : undefined),
    ZERODHA_POSTBACK_URL:
      env.ZERODHA_POSTBACK_URL ||
      `http://${host}:${services.find((s) => s.name === 'zerodha-postback').port}/zerodha/postback`,
    SIM_KITE_PORT: String(simKitePort),
    SIM_XTS_PORT: String(simXtsPort),
    // The simulator's browser login comes back to order-api's callback, wherever it listens.
    SIM_KITE_REDIRECT_URL:
      env.SIM_KITE_REDIRECT_URL ||
      `http://${host}:${services.find((s) => s.name === 'order-api').port}/v1/brokers/zerodha/callback`,
  };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  if (argv.includes('--demo-traffic')) childEnv.FILLWIRE_DEMO_TRAFFIC = '1';

  const onExit = (child) => {
    if (stopping) return;
    const how = child.signal ? `signal ${child.signal}` : `code ${child.code}`;
    process.stderr.write(`\nnpm start: ${child.name} exited with ${how}; last lines:\n`);
    for (const line of child.tail.slice(-10)) process.stderr.write(`  ${line}\n`);
    process.stderr.write(`  (full log: ${shortPath(join(logDir, `${child.name}.log`))})\n`);
    if (!up) void stopAll(1);
  };
  const launch = (name, entry, extraEnv) => {
    const child = new Child({
      name,
      args: ['-r', '@swc-node/register', entry],
      env: { ...childEnv, ...extraEnv },
      logFile: join(logDir, `${name}.log`),
      verbose,
      onExit,
    });
    children.push(child);
    return child;
  };

  if (withSim) launch('broker-sim', SIM_ENTRY, {});
  for (const s of services) {
    s.child = launch(s.name, join(ROOT, 'apps', s.name, 'src', 'main.ts'), { PORT: String(s.port) });
  }

  const started = Date.now();
  const timeoutMs = Number(env.FILLWIRE_START_TIMEOUT_MS) || 90_000;
  const waits = [
    ...services.map((s) => ({ what: s.name, check: () => httpOk(`http://${host}:${s.port}/health`) })),
    ...(withSim
      ? [
          ['Kite', simKitePort],
          ['XTS', simXtsPort],
        ].map(([w, p]) => ({ what: `${w} simulator`, check: () => portTaken(p) }))
      : []),
  ];
  for (const w of waits) {
    while (!(await w.check())) {
      if (stopping) return;
      if (Date.now() - started > timeoutMs) {
        process.stderr.write(`npm start: ${w.what} did not come up within ${timeoutMs / 1000} s\n`);
        await stopAll(1);
        return;
      }
      await sleep(200);
    }
  }
  up = true;

  const url = (port, path = '') => `http://localhost:${port}${path}`;
  const port = (name) => services.find((s) => s.name === name).port;
  const lines = [
    '',
    `Fillwire is running (${((Date.now() - started) / 1000).toFixed(1)} s).`,
    '',
    `  Dashboard      ${url(port('order-api'), '/')}`,
    ...(keys.FILLWIRE_DEMO_API_KEY
      ? [
          `  Demo API keys  demo   ${keys.FILLWIRE_DEMO_API_KEY}`,
          `                 demo2  ${keys.FILLWIRE_DEMO2_API_KEY}`,
        ]
      : []),
    `  WebSocket      ws://localhost:${port('notifier')}/ws?token=<api key>`,
    '  Services       ' +
      services.map((s) => `${s.name} :${s.port} (pid ${s.child.proc.pid})`).join('\n                 '),
    withSim
      ? `  Simulators     Kite ${url(simKitePort)}  XTS ${url(simXtsPort)}`
      : '  Simulators     not started (tools/broker-sim/src/main.ts not found)',
    `  Redis          ${redis.url}${redis.own ? ` (own, AOF in ${shortPath(redis.dir)}, ${redis.reused ? 'reused' : `pid ${redis.pid}`})` : ''}`,
    `  Logs           ${shortPath(logDir)}/<service>.log (warnings and errors also here${verbose ? ', --verbose: all' : ''})`,
    ...(childEnv.FILLWIRE_DEMO_TRAFFIC ? ['  Demo traffic   on'] : []),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`npm start: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
