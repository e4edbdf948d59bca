export { up, down, status, localServers, endpointEnvironment } from './infrastructure.ts';
export type { ServerReport, ServerState, ServerStatus } from './infrastructure.ts';
export { readInfraSettings } from './settings.ts';
export type { InfraSettings } from './settings.ts';
