import { type Exit, type NodeProcess } from './node-process';
import { waitFor } from './wait-for';

/**
 * GET `url` until it answers 200, failing early (with the output) if the process exits first. A
 * failed boot kills the process; a failed later wait (`kill: false`) leaves it to its owner.
 */
export async function waitForHttpOk(
  proc: NodeProcess,
  url: string,
  timeoutMs: number,
  what: string,
  { kill = true } = {},
): Promise<void> {
  let done = false;
  const exited = proc.whenExited().then((exit) => {
    if (!done) throw new Error(`process exited (${JSON.stringify(exit)})`);
  });
  const healthy = waitFor(
    async () => {
      // The process is gone: stop polling (the exit rejection above says why).
      if (done) return true;
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok;
    },
    { timeoutMs, intervalMs: 100, what },
  );
  try {
    await Promise.race([healthy, exited]);
  } catch (err) {
    if (kill) await proc.kill();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${what}: ${reason}\n--- output ---\n${proc.output}`, { cause: err });
  } finally {
    done = true;
    // Whichever lost the race settles later; its outcome no longer matters.
    healthy.catch(() => undefined);
    exited.catch(() => undefined);
  }
}

/** SIGTERM, then the exit; after `timeoutMs` a SIGKILL and a rejection with the output. */
export async function stopProcess(proc: NodeProcess, timeoutMs: number): Promise<Exit> {
  if (proc.exit) return proc.exit;
  proc.signal('SIGTERM');
  return proc.waitExit(timeoutMs);
}
