import { join } from 'node:path';
import { loadSuites } from './suite-loader';

describe('loadSuites', () => {
  it('finds every suite file, named after its file', async () => {
    const suites = await loadSuites(join(__dirname, 'suites'));
    const names = suites.map((suite) => suite.name);
    expect(names).toContain('engine');
    expect([...names].sort()).toEqual(names);
    for (const suite of suites) expect(typeof suite.run).toBe('function');
  });
});
