// Mutation testing of the pure, fast-to-test modules: `npm run mutate` at the repo root (see README).
// Stryker lives in tools/mutate/node_modules (its own lockfile, out of the root install); jest, @swc/jest
// and the code under test are the root's: the jest runner resolves `jest` from the working directory.

/** The modules whose behaviour the unit tests below pin down, each cheap to run thousands of times. */
const mutate = [
  'src/flags/flag.ts',
  'src/flags/errors.ts',
  'src/flags/flag-service.ts',
  'src/flags/validation.ts',
  'src/flags/flag-snapshot.ts',
  'src/sync/snapshot-sync.ts',
  // The SSE resume decisions: which id a client resumes from, what the log replays, what the hold drops.
  'src/http/sse/last-event-id.ts',
  'src/http/sse/replay.ts',
  'src/http/sse/connection.ts',
];

/**
 * Unit tests, plus the one contract suite that pins the sync's late-append handling (it starts its own
 * redis-server, as `npm test` does, in about a second). No e2e suites: each of the ~800 runs would take seconds.
 */
const tests = [
  'unit/flag.test.ts',
  'unit/errors.test.ts',
  'unit/validation.test.ts',
  'unit/flag-service.test.ts',
  'unit/flag-snapshot.test.ts',
  'unit/snapshot-sync.test.ts',
  'contract/snapshot-sync-late-append.test.ts',
  'unit/sse-last-event-id.test.ts',
  'unit/last-event-id.test.ts',
  'unit/sse-replay.test.ts',
  'unit/sse-connection.test.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate,
  testRunner: 'jest',
  // The repo's own jest config (ESM via @swc/jest), narrowed to the unit tests of the modules above.
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: { testMatch: tests.map((name) => `<rootDir>/test/${name}`) },
    // Each mutant runs only the test files that import its file (jest --findRelatedTests): loading every
    // suite's ESM graph for every mutant is most of the cost.
    enableFindRelatedTests: true,
  },
  // Jest runs ESM test files only with vm modules; the runner is a child process, so it needs the flag.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  coverageAnalysis: 'perTest',
  // The checker is off: tsc would reject some mutants up front, but costs more than it saves here.
  concurrency: 2,
  // A mutant that makes a sync test wait forever is a kill (timeout): the unit tests take milliseconds.
  timeoutMS: 5000,
  // Off by default: the score must come from a full run. `npm run mutate -- --incremental` reuses the last
  // run's results while writing tests, but it also reuses them for mutants of module-level constants (e.g. a
  // regular expression) that new tests would now kill: confirm with a full run.
  incremental: false,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
  tempDirName: '.stryker-tmp',
  // Not copied to the sandbox: the tsconfigs too, which jest does not read (swc's options are in jest.config.js)
  // and which Stryker would otherwise rewrite with TypeScript 5's API, absent from the native TypeScript 7.
  ignorePatterns: ['dist', 'data', 'coverage', 'reports', 'bench/results', 'tools', '/tsconfig*.json'],
  cleanTempDir: true,
};
