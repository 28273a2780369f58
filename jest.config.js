// One Jest run for the whole workspace, split by test layer so CI and `--selectProjects` can pick.
const { pathsToModuleNameMapper } = require('./tools/jest/paths');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: pathsToModuleNameMapper(),
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  globalSetup: '<rootDir>/tools/jest/global-setup.js',
  globalTeardown: '<rootDir>/tools/jest/global-teardown.js',
  // At least two workers: with one, Jest runs in band and a leaked handle in any test file would
  // keep the Jest process itself alive after the run.
  maxWorkers: Math.max(2, Math.floor(require('node:os').availableParallelism() / 2)),
  // testTimeout is global in Jest (ignored per project); slower e2e files raise it with jest.setTimeout.
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
