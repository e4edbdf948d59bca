// The one HTTP stack every process serves on.
export { sendJson } from './httpServer.ts';
export type { HttpRoute } from './httpServer.ts';
