import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { computeFigures, type Scrape } from './figures';
import { parsePromText } from './prom-text';
import { renderReport } from './report';
import { evaluate } from './verdict';

const ROOT = resolve(__dirname, '..', '..', '..');
const DEFAULT_URLS = [3000, 3001, 3002, 3003, 3004].map((p) => `http://127.0.0.1:${p}/metrics`);
const USAGE = `usage: npm run evaluate [-- --urls <u1,u2,...>] [-- --from <snapshot.json>] [-- --save <snapshot.json>] [-- --out <dir>]

  --urls   the five /metrics endpoints (default ${DEFAULT_URLS.join(',')}; env EVALUATE_URLS)
  --from   evaluate a snapshot saved with --save (e.g. under bench/results) instead of a live system
  --save   also write the scraped text as a snapshot JSON
  --out    where evaluation-<date>.md goes (default reports/)`;

/** A saved scrape: the raw text of each endpoint (null = unreachable) and when it was taken. */
const SnapshotSchema = z.object({
  at: z.iso.datetime(),
  scrapes: z.record(z.string(), z.string().nullable()),
});
type Snapshot = z.infer<typeof SnapshotSchema>;

async function scrape(urls: string[]): Promise<Snapshot> {
  const texts = await Promise.all(
    urls.map(async (url) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        return res.ok ? await res.text() : null;
      } catch {
        return null;
      }
    }),
  );
  return { at: new Date().toISOString(), scrapes: Object.fromEntries(urls.map((u, i) => [u, texts[i]])) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      urls: { type: 'string' },
      from: { type: 'string' },
      save: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const urls = (values.urls ?? process.env.EVALUATE_URLS ?? DEFAULT_URLS.join(','))
    .split(',')
    .filter(Boolean);
  const snapshot = values.from
    ? SnapshotSchema.parse(JSON.parse(readFileSync(values.from, 'utf8')))
    : await scrape(urls);
  if (values.save) writeFileSync(values.save, `${JSON.stringify(snapshot, null, 2)}\n`);

  const at = new Date(snapshot.at);
  const scrapes: Scrape[] = Object.entries(snapshot.scrapes).map(([url, text]) => ({
    url,
    samples: text === null ? undefined : parsePromText(text),
  }));
  const figures = computeFigures(scrapes, at.getTime() / 1000);
  const { checks, decision } = evaluate(figures);
  const report = renderReport(figures, checks, decision, { at, source: values.from ?? urls.join(', ') });

  const dir = resolve(values.out ?? join(ROOT, 'reports'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `evaluation-${snapshot.at.slice(0, 10)}.md`);
  writeFileSync(file, report);
  process.stdout.write(`${report}\nwritten to ${file}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`evaluate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
