import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResult } from './results';

describe('writeResult', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-results-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a timestamped file and the latest copy, with run metadata', async () => {
    const at = new Date('2025-01-02T03:04:05.678Z');
    const written = await writeResult(dir, 'engine', { results: [1] }, { quick: true, runs: 3 }, at);
    expect((await readdir(dir)).sort()).toEqual([
      'engine-2025-01-02T03-04-05-678Z.json',
      'engine-latest.json',
    ]);
    const body = JSON.parse(await readFile(written.latest, 'utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({ suite: 'engine', at: at.toISOString(), quick: true, runs: 3, results: [1] });
    expect(body.machine).toHaveProperty('cpus');
    expect(await readFile(written.file, 'utf8')).toBe(await readFile(written.latest, 'utf8'));
  });

  it('refuses a suite name that would escape the folder', async () => {
    await expect(writeResult(dir, '../x', {}, { quick: false, runs: 1 })).rejects.toThrow('kebab-case');
  });
});
