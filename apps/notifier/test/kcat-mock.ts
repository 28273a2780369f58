import { spawn, type ChildProcess } from 'node:child_process';

/**
 * librdkafka's mock Kafka cluster, hosted by a `kcat` consumer process (Debian `kcat`): a real
 * Kafka-protocol broker for kafkajs, and a consumer that prints what reaches the topic.
 * `-X test.mock.num.brokers=1` starts the cluster; `-d mock` makes it log its bootstrap address.
 */
export class KcatMock {
  readonly lines: string[] = [];
  private buffer = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string,
  ) {}

  static start(topic: string): Promise<KcatMock> {
    const child = spawn(
      'kcat',
      [
        '-X',
        'test.mock.num.brokers=1',
        '-b',
        'mock:9092',
        '-C',
        '-t',
        topic,
        '-o',
        'beginning',
        '-u',
        '-f',
        '%k\t%s\n',
        '-d',
        'mock',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new Promise((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`kcat mock cluster did not start: ${err.slice(-500)}`));
      }, 10_000);
      child.once('error', reject);
      child.stderr?.on('data', (chunk: Buffer) => {
        if (err.length < 100_000) err += chunk.toString();
        const match = /bootstrap\.servers=(\S+)/.exec(err);
        if (!match) return;
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        const mock = new KcatMock(child, match[1]);
        child.stdout?.on('data', (data: Buffer) => mock.onData(data));
        resolve(mock);
      });
    });
  }

  /** Resolves once `n` messages have been consumed; each line is `<key>\t<value>`. */
  waitFor(n: number, timeoutMs = 20_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.lines.length < n) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.lines.slice());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`kcat saw ${this.lines.length} of ${n} messages`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Freezes the broker (and its consumer): requests time out as over a dead network. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.child.kill('SIGCONT');
    this.child.kill('SIGKILL');
    if (this.child.exitCode === null) await new Promise((r) => this.child.once('exit', r));
  }

  private onData(data: Buffer): void {
    this.buffer += data.toString();
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop() ?? '';
    this.lines.push(...parts.filter((l) => l.length > 0));
    for (const w of this.waiters) w();
  }
}
