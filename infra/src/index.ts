export { up, down, status, localServers, endpointEnvironment } from './infrastructure.ts';
export type { ServerReport, ServerState, ServerStatus, UpOptions } from './infrastructure.ts';
export { startInfraWatchdog } from './infraWatchdog.ts';
export type { InfraWatchdog } from './infraWatchdog.ts';
export { runningRecord } from './managedProcess.ts';
export { readInfraSettings } from './settings.ts';
export type { InfraSettings } from './settings.ts';
