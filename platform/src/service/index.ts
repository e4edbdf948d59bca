// The service runtime, an entry point of its own: it starts Kafka consumers and producers from
// @cashtrack/events, which itself builds on @cashtrack/platform.
export { startService } from './startService.ts';
export type {
  AccessTokenSettings,
  RunningService,
  ServiceConfig,
  ServiceConsumerOptions,
  ServiceDefinition,
  ServiceGraphQL,
  ServiceParts,
  ServiceResources,
  ShutdownStage,
} from './startService.ts';
export { runServiceProcess } from './serviceProcess.ts';
