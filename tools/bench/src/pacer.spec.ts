import { pace } from './pacer';

describe('pace', () => {
  it('sends exactly rate × duration times, in order, on an increasing schedule', async () => {
    const indices: number[] = [];
    const schedule: number[] = [];
    const report = await pace({
      rate: 2000,
      durationMs: 50,
      send: (index, scheduledAt) => {
        indices.push(index);
        schedule.push(scheduledAt);
      },
    });
    expect(report.sent).toBe(100);
    expect(report.failed).toBe(0);
    expect(indices).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Absolute schedule: send i is due i / rate after the first, whatever the timers did.
    schedule.forEach((at, i) => expect(at - schedule[0]).toBeCloseTo(i * 0.5, 6));
  });

  it('awaits async sends at the end and counts failures', async () => {
    const report = await pace({
      rate: 1000,
      durationMs: 20,
      precision: 'spin',
      send: (index) => (index % 4 === 0 ? Promise.reject(new Error('down')) : Promise.resolve()),
    });
    expect(report).toMatchObject({ sent: 20, failed: 5, failures: { down: 5 } });
  });

  it('refuses a non-positive rate', async () => {
    await expect(pace({ rate: 0, durationMs: 10, send: () => undefined })).rejects.toThrow(RangeError);
  });
});
