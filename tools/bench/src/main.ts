import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createContext } from './context';
import { loadSuites } from './suite-loader';

const OptionsSchema = z.object({
  runs: z.coerce.number().int().min(1).max(50).default(3),
  quick: z.boolean(),
  list: z.boolean(),
  names: z.array(z.string().min(1)),
});

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: 'string' }, quick: { type: 'boolean' }, list: { type: 'boolean' } },
    allowPositionals: true,
  });
  const parsed = OptionsSchema.safeParse({
    runs: values.runs ?? process.env.BENCH_RUNS,
    quick: values.quick === true || process.env.BENCH_QUICK === '1',
    list: values.list === true,
    names: positionals,
  });
  if (!parsed.success) {
    console.error(
      `usage: npm run bench -- [suite...] [--runs=N] [--quick] [--list]\n${z.prettifyError(parsed.error)}`,
    );
    return 2;
  }
  const options = parsed.data;
  const suites = await loadSuites(join(__dirname, 'suites'));
  if (options.list) {
    for (const suite of suites) console.log(`${suite.name.padEnd(12)} ${suite.description}`);
    return 0;
  }
  const unknown = options.names.filter((name) => !suites.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    console.error(
      `unknown suite(s): ${unknown.join(', ')}; available: ${suites.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const selected =
    options.names.length === 0 ? suites : suites.filter((suite) => options.names.includes(suite.name));
  let failures = 0;
  for (const suite of selected) {
    const ctx = createContext(suite.name, { runs: options.runs, quick: options.quick });
    ctx.log.info(`${suite.description} (runs=${options.runs}${options.quick ? ', quick' : ''})`);
    try {
      await suite.run(ctx);
    } catch (error) {
      failures++;
      ctx.log.warn(
        `suite failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
