import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchSuite } from './bench.types';

const SUITE_FILE = /^([a-z0-9][a-z0-9-]*)\.bench\.(ts|js)$/;

function isSuite(value: unknown): value is BenchSuite {
  if (typeof value !== 'object' || value === null) return false;
  const suite = value as Record<string, unknown>;
  return (
    typeof suite.name === 'string' && typeof suite.description === 'string' && typeof suite.run === 'function'
  );
}

/** The suites in `dir`, one per `<name>.bench.ts`, sorted by name. Adding a suite = adding a file. */
export async function loadSuites(dir: string): Promise<BenchSuite[]> {
  const files = (await readdir(dir)).filter((file) => SUITE_FILE.test(file)).sort();
  const suites: BenchSuite[] = [];
  for (const file of files) {
    const fileName = (SUITE_FILE.exec(file) as RegExpExecArray)[1];
    const mod = (await import(join(dir, file))) as { default?: unknown };
    const suite = mod.default;
    if (!isSuite(suite)) throw new Error(`${file}: default export must be { name, description, run(ctx) }`);
    if (suite.name !== fileName)
      throw new Error(`${file}: suite name "${suite.name}" must match the file name`);
    suites.push(suite);
  }
  // By suite name: file order puts `ingest-xts` before `ingest` ('-' sorts before '.').
  return suites.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
