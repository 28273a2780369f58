import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderEventsDoc } from './render-events-doc';

export const EVENTS_DOC_PATH = resolve(__dirname, '../../docs/events.md');

/** Writes docs/events.md; with `--check`, exits 1 when the file is out of date instead. */
function main(): void {
  const doc = renderEventsDoc();
  if (process.argv.includes('--check')) {
    if (readFileSync(EVENTS_DOC_PATH, 'utf8') !== doc) {
      console.error(
        'docs/events.md is out of date: run node -r @swc-node/register tools/docs/generate-events-doc.ts',
      );
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(EVENTS_DOC_PATH, doc);
  console.log(`wrote ${EVENTS_DOC_PATH}`);
}

if (require.main === module) main();
