export { withCorrelation, currentCorrelationId, newCorrelationId } from './correlation.ts';
export type { CorrelationContext } from './correlation.ts';
export { createLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { CodedError, UnreachableCaseError, errorMessage } from './errors.ts';
export { envString, envInt, envList } from './env.ts';
export { waitFor } from './waitFor.ts';
export type { WaitForOptions } from './waitFor.ts';
