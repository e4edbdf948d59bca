/**
 * Every process of ours that `npm start` runs, in start order. Each later service adds itself
 * here; the gateway comes last because it composes the others.
 */
export interface ServiceProcess {
  readonly name: string;
  /** Entry point, run with tsx. */
  readonly entry: string;
  /** The health URL that answers 200 once the process can take work. */
  readonly readyUrl: string;
}

export const serviceProcesses: readonly ServiceProcess[] = [];
