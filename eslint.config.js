import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.infra/',
      'dist/',
      'coverage/',
      'app/dist/',
      'app/dist.building-*/',
      'app/.expo/',
      'app/src/api/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      'no-console': 'error',
      // Apollo and kafkajs hooks must return promises even when their body needs no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The app's Metro and Babel configs are CommonJS, as Expo loads them.
    files: ['app/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The domain and the packages' pure entries decide; they never reach a broker, a database or
    // a server. Kafka, MongoDB and HTTP/GraphQL code is imported only at the edges, through the
    // sub-entries ('@cashtrack/events/kafka', '@cashtrack/platform/service', ...).
    files: [
      '**/src/domain/**/*.ts',
      'parser/src/rules/**/*.ts',
      'events/src/*.ts',
      'events/src/delivery/**/*.ts',
      'events/src/eventTypes/**/*.ts',
      'platform/src/*.ts',
      'platform/src/config/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(kafkajs|mongodb|express|graphql|graphql-ws|ws|prom-client|jsonwebtoken)$|^@apollo/',
              message: 'Pure code: infrastructure belongs in an adapter at the edge.',
            },
            {
              regex: '^@cashtrack/(events|platform)/',
              message:
                'Pure code imports only the pure entries @cashtrack/events and @cashtrack/platform.',
            },
            {
              regex: '^\\.\\.?/(kafka|mongo|graphql|http|tokens|metrics|service)/',
              message:
                'Pure code: the adapters in sub-entry folders are not part of the pure entry.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
