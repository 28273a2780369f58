import { readFileSync } from 'node:fs';
import { EVENT_TYPES, KITE_STATUS_TABLE, XTS_STATUS_TABLE } from '@fillwire/events';
import { EVENTS_DOC_PATH } from './generate-events-doc';
import { renderEventsDoc } from './render-events-doc';

describe('docs/events.md', () => {
  const doc = renderEventsDoc();

  it('is up to date with libs/events (run: node -r @swc-node/register tools/docs/generate-events-doc.ts)', () => {
    expect(readFileSync(EVENTS_DOC_PATH, 'utf8')).toBe(doc);
  });

  it('documents every event and every broker status', () => {
    for (const type of EVENT_TYPES) expect(doc).toContain(`### ${type}\n`);
    for (const row of [...KITE_STATUS_TABLE, ...XTS_STATUS_TABLE])
      expect(doc).toContain(`\`${row.brokerStatus}\``);
    expect(doc).toContain('Modify and cancel in flight');
  });
});
