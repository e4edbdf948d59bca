export { testNamespace } from './namespace.ts';
export type { TestNamespace } from './namespace.ts';
export { kafkaForTests, mongoForTests } from './clients.ts';
export type { TestDatabase } from './clients.ts';
export { waitFor } from '@cashtrack/platform';
export { requireChromium, chromiumArgs } from './chromium.ts';
export { freePort } from './freePort.ts';
export { postGraphQL, errorCodes } from './postGraphQL.ts';
export type { GraphQLAnswer, PostGraphQLOptions } from './postGraphQL.ts';
export { gatewaySignedHeaders, testSubgraphSecret } from './gatewaySigning.ts';
export type { GatewaySigningOptions } from './gatewaySigning.ts';
export { createLocalSystem, startLocalSystem } from './localSystem.ts';
export type {
  LocalSystem,
  LocalSystemOptions,
  LocalSystemPorts,
  ServiceName,
  InfraServerName,
  ProcessName,
  ServiceExit,
  StopSignal,
} from './localSystem.ts';
