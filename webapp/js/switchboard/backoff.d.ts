/** Full-jitter exponential backoff: random(0, min(maxDelay, minDelay * factor^attempt)). */
export declare class Backoff {
  constructor(options?: { minDelay?: number; maxDelay?: number; factor?: number; random?: () => number });
  minDelay: number;
  maxDelay: number;
  factor: number;
  random: () => number;
  /** Delays handed out since the last reset. */
  readonly attempt: number;
  /** The next delay, ms. */
  next(): number;
  reset(): void;
}
