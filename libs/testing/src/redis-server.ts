import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface RedisServerOptions {
  /** Turn on AOF (`appendfsync everysec` unless `fsync` says otherwise). */
  aof?: boolean;
  fsync?: 'always' | 'everysec' | 'no';
  port?: number;
  /** Data directory; a fresh temp dir (removed on stop) when omitted. */
  dir?: string;
  binary?: string;
}

export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number | undefined;
  /** SHUTDOWN-like graceful stop (SIGTERM); removes the temp dir it created. */
  stop(): Promise<void>;
  /** SIGKILL, keeping the data dir, so a restart finds its AOF. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and dir (after stop or kill). */
  restart(): Promise<void>;
}

/**
 * Starts a private redis-server on a free port for tests and benchmarks. It never touches
 * anyone else's Redis: own port, own dir, no RDB snapshots.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const ownDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fillwire-redis-'));
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    options.aof ? 'yes' : 'no',
    '--appendfsync',
    options.fsync ?? 'everysec',
    '--loglevel',
    'notice',
  ];
  let child: ChildProcess | undefined;

  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let output = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server did not start on port ${port} within 10 s: ${output}`));
      }, 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          proc.stdout?.off('data', onData);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${String(code)} before it was ready: ${output}`));
      });
    });

  await launch();

  const waitExit = (signal: NodeJS.Signals): Promise<void> =>
    new Promise((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    async stop() {
      await waitExit('SIGTERM');
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await waitExit('SIGKILL');
    },
    async restart() {
      await waitExit('SIGTERM');
      await launch();
    },
  };
}
