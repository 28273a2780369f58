import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';

/** The repository root: child processes run from it, as `npm start` does. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child node process whose output lines can be awaited (no polling) and whose exit is bounded.
 * Exit counts once its output has been read to the end.
 */
/**
 * Node flags for a child that runs our TypeScript (`-r @swc-node/register`). BENCH_CPU_PROF=<dir>
 * makes every such child write a V8 CPU profile there when it exits (to see where the time goes).
 */
export function tsExecArgv(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), '-r', '@swc-node/register'];
}

export class NodeProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly proc: ChildProcess;
  private readonly lines = new EventEmitter();
  private exitInfo: Exit | undefined;
  private readonly exited: Promise<Exit>;

  constructor(args: string[], env: Record<string, string | undefined>, { ipc = false } = {}) {
    const stdio: StdioOptions = ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
    this.proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio });
    // Not 'close': Node never emits it once the parent has disconnected the IPC channel.
    const ended = [this.proc.stdout, this.proc.stderr].map(
      (stream) => new Promise<void>((done) => (stream ? stream.once('end', () => done()) : done())),
    );
    this.exited = new Promise((done) =>
      this.proc.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        // Read the output to its end (bounded, in case a grandchild still holds the pipe).
        const drained = Promise.all(ended);
        const cap = new Promise<void>((capped) => setTimeout(capped, 2000).unref());
        void Promise.race([drained, cap]).then(() => {
          this.exitInfo = { code, signal };
          this.lines.emit('exit');
          done(this.exitInfo);
        });
      }),
    );
    this.collect(this.proc.stdout, this.stdout);
    this.collect(this.proc.stderr, this.stderr);
  }

  /** Runs a TypeScript entry point the way `npm start` does. */
  static ts(
    entry: string,
    env: Record<string, string | undefined>,
    options: { ipc?: boolean } = {},
  ): NodeProcess {
    return new NodeProcess([...tsExecArgv(), entry], env, options);
  }

  /** Resolves with the exit (once its output is read) whenever it comes; never kills. */
  whenExited(): Promise<Exit> {
    return this.exited;
  }

  /** The exit, if it has happened. */
  get exit(): Exit | undefined {
    return this.exitInfo;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get output(): string {
    return [...this.stdout, ...this.stderr].join('\n');
  }

  /** Resolves with the first stdout/stderr line matching `pattern`, seen already or to come. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const seen = [...this.stdout, ...this.stderr].find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolveLine, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.lines.off('line', onLine);
        this.lines.off('exit', onExit);
      };
      const onLine = (line: string): void => {
        if (!pattern.test(line)) return;
        cleanup();
        resolveLine(line);
      };
      const onExit = (): void => {
        cleanup();
        reject(
          new Error(
            `process exited (${JSON.stringify(this.exitInfo)}) before printing ${pattern}:\n${this.output}`,
          ),
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      this.lines.on('line', onLine);
      this.lines.once('exit', onExit);
      if (this.exitInfo) onExit();
    });
  }

  /** The exit, or a rejection (after SIGKILL) if it takes longer than `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.proc.kill('SIGKILL');
        reject(new Error(`process did not exit within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the IPC channel, as if the supervising process had died. */
  disconnect(): void {
    if (this.proc.connected) this.proc.disconnect();
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exitInfo) this.proc.kill(signal);
  }

  /** For afterAll: make sure nothing outlives the test. */
  async kill(): Promise<void> {
    if (this.exitInfo) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  private collect(stream: NodeJS.ReadableStream | null, into: string[]): void {
    if (!stream) return;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        into.push(line);
        this.lines.emit('line', line);
      }
    });
    stream.on('end', () => {
      if (partial) {
        into.push(partial);
        this.lines.emit('line', partial);
      }
    });
  }
}

/** A minimal environment, so a developer's shell variables never change what a test sees. */
export function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const { PATH, HOME, TMPDIR, REDIS_SERVER_BIN } = process.env;
  return { PATH, HOME, TMPDIR, REDIS_SERVER_BIN, ...extra };
}
