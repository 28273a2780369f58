import { KeyedSerializer } from './keyed-serializer';

/** A task that finishes when told to, recording its start and end. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open: () => open(),
    task: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyedSerializer', () => {
  it('runs tasks of one key in turn and tasks of other keys alongside', async () => {
    const serial = new KeyedSerializer();
    const log: string[] = [];
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const b1 = gate(log, 'b1');
    const results = [serial.run('a', a1.task), serial.run('a', a2.task), serial.run('b', b1.task)];
    await turn();
    expect(log).toEqual(['start a1', 'start b1']);
    expect(serial.pending).toBe(2);
    a2.open();
    b1.open();
    await turn();
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    a1.open();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
    expect(log.slice(3)).toEqual(['end a1', 'start a2', 'end a2']);
  });

  it('goes on with the next task of a key after one failed, and forgets idle keys', async () => {
    const serial = new KeyedSerializer();
    const failed = serial.run('a', () => Promise.reject(new Error('bus down')));
    const next = serial.run('a', () => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('bus down');
    await expect(next).resolves.toBe('ok');
    await turn();
    expect(serial.pending).toBe(0);
  });
});
