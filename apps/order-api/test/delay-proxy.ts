import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';

/** The broker simulator as a child process (apps may not import tools), on free ports. */
export interface SimProcess {
  kiteUrl: string;
  xtsUrl: string;
  admin<T = unknown>(path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../../..');

export async function startSimProcess(env: Record<string, string> = {}): Promise<SimProcess> {
  const [kitePort, xtsPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/broker-sim/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SIM_KITE_PORT: String(kitePort),
      SIM_XTS_PORT: String(xtsPort),
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${deadPort}/zerodha/postback`,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const kiteUrl = `http://127.0.0.1:${kitePort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`simulator exited: ${output}`);
        return (await fetch(`${kiteUrl}/_sim/health`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the broker simulator' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kiteUrl,
    xtsUrl: `http://127.0.0.1:${xtsPort}`,
    async admin<T>(path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${kiteUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as { data?: unknown };
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
      return json.data as T;
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * An HTTP proxy in front of the simulator that holds back the response of chosen requests: the
 * broker has done the work, the caller times out (an ambiguous broker timeout).
 */
export async function startDelayProxy(target: string, delayFor: (method: string, path: string) => number): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const proxied = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (c: Buffer) => chunks.push(c));
        upstreamRes.on('end', () => {
          const send = () => {
            if (res.destroyed) return;
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(Buffer.concat(chunks));
          };
          const delay = delayFor(req.method ?? 'GET', req.url ?? '/');
          if (delay > 0) setTimeout(send, delay).unref();
          else send();
        });
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
