import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test levels by file suffix: *.unit.test.ts (pure logic), *.int.test.ts (real Kafka and
 * MongoDB-protocol server), *.e2e.test.ts (through the gateway with a real GraphQL client). */
// ts-jest transpiles file by file (tsconfig isolatedModules); `npm run typecheck` checks types.
// (@swc/jest and Jest 30 were dropped: their per-platform binaries are not all on our registry,
// which leaves the lock file unusable for `npm ci`.)
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
};

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper: {
    '^@cashtrack/events$': '<rootDir>/events/src/index.ts',
    '^@cashtrack/platform$': '<rootDir>/platform/src/index.ts',
    // Sub-entries are folders: '@cashtrack/events/kafka' is events/src/kafka/index.ts.
    '^@cashtrack/(events|platform)/(\\w+)$': '<rootDir>/$1/src/$2/index.ts',
    '^@cashtrack/infra$': '<rootDir>/infra/src/index.ts',
    '^@cashtrack/test-support$': '<rootDir>/test-support/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/.infra/'],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    {
      // The app's component and hook tests: React Native under jest-expo, Babel as Expo builds.
      displayName: 'app',
      rootDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'app'),
      preset: 'jest-expo',
      testMatch: ['<rootDir>/src/**/*.test.ts?(x)'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.test.ts', '<rootDir>/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test-support/globalSetup.js',
      globalTeardown: '<rootDir>/test-support/globalTeardown.js',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60_000,
};
