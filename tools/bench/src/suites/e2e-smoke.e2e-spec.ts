import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext } from '../context';
import suite from './e2e.bench';

// Boots Redis, the simulator, five services and a clients process: minutes on a loaded 2-core CI box.
jest.setTimeout(300_000);

interface Latency {
  count: number;
  missing: number;
}
interface Step {
  kind: string;
  sent: number;
  failed: number;
  order: Latency;
  position: Latency;
  overcounted: string[];
  poll?: Latency;
  burst?: { lost: number };
}

describe('npm run bench -- e2e --quick (smoke: correctness only, no timing)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fillwire-e2e-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every fill reaches its screen as order_update and position_update, once; results written', async () => {
    await suite.run(createContext('e2e', { runs: 1, quick: true, resultsDir: dir }));

    const result = JSON.parse(readFileSync(join(dir, 'e2e-latest.json'), 'utf8')) as {
      suite: string;
      quick: boolean;
      delivery: { lost: number; allDelivered: boolean };
      steps: Step[];
    };
    expect(result).toMatchObject({ suite: 'e2e', quick: true, delivery: { lost: 0, allDelivered: true } });
    expect(result.steps.map((s) => s.kind)).toEqual(
      expect.arrayContaining(['warm-up', 'step', 'ramp', 'burst']),
    );
    for (const step of result.steps) {
      expect(step.sent).toBeGreaterThan(0);
      expect({
        kind: step.kind,
        failed: step.failed,
        orders: step.order.missing,
        positions: step.position.missing,
      }).toEqual({
        kind: step.kind,
        failed: 0,
        orders: 0,
        positions: 0,
      });
      expect(step.order.count).toBe(step.sent);
      expect(step.overcounted).toEqual([]);
    }
    expect(result.steps.find((s) => s.kind === 'burst')?.burst?.lost).toBe(0);
    const polled = result.steps.find((s) => s.poll)?.poll;
    expect(polled?.count).toBeGreaterThan(0);
    expect(polled?.missing).toBe(0);
    expect(readFileSync(join(dir, 'e2e-latest.md'), 'utf8')).toMatch(/REST poll 2 s/);
  });
});
