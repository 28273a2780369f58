import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the next message of type `type` from a forked child; rejects after `timeoutMs`,
 * when the child exits first, or on a `{type: 'error', message}` message.
 */
export function nextMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child process sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: M): void => {
      if (m.type === 'error') {
        cleanup();
        reject(new Error(`child process: ${(m as { message?: string }).message ?? 'error'}`));
      } else if (m.type === type) {
        cleanup();
        resolve(m as Extract<M, { type: T }>);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child process exited (${code}) before "${type}"`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends `message` to the child and resolves with its next reply of type `reply` (see nextMessage). */
export function requestChild<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  message: object,
  reply: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  const answer = nextMessage<M, T>(child, reply, timeoutMs);
  child.send(message);
  return answer;
}
