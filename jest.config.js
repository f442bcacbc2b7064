/** @type {import('jest').Config} */
export default {
  roots: ['<rootDir>/test'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // In the repository the client is its source (as tsconfig.json's `paths` says): its package exports
    // only the build, which the tests never use, so a stale build cannot pass for the current code.
    '^@flagwire/client$': '<rootDir>/client/src/index.ts',
    '^@flagwire/core$': '<rootDir>/packages/core/src/index.ts',
  },
  testTimeout: 30000,
};
