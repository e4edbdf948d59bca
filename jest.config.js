/** Test levels by file suffix: *.unit.test.ts (pure logic), *.int.test.ts (real Kafka and
 * MongoDB-protocol server), *.e2e.test.ts (through the gateway with a real GraphQL client). */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    },
  ],
};

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper: {
    '^@cashtrack/events$': '<rootDir>/events/src/index.ts',
    '^@cashtrack/platform$': '<rootDir>/platform/src/index.ts',
    '^@cashtrack/infra$': '<rootDir>/infra/src/index.ts',
    '^@cashtrack/test-support$': '<rootDir>/test-support/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/.infra/'],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts', '<rootDir>/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test-support/globalSetup.ts',
      globalTeardown: '<rootDir>/test-support/globalTeardown.ts',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60_000,
};
