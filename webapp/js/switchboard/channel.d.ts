import type { ClientOptions } from './defaults.js';
import type { Emitter } from './emitter.js';

export declare const ChannelState: {
  readonly JOINING: 'joining'; readonly JOINED: 'joined'; readonly ERRORED: 'errored'; readonly LEAVING: 'leaving'; readonly CLOSED: 'closed';
};
export type ChannelStateName = (typeof ChannelState)[keyof typeof ChannelState];
export declare const TRANSIENT_ERRORS: readonly ['unavailable', 'rate_limited', 'timeout'];

export interface ChannelStateChange {
  state: ChannelStateName;
  previous: ChannelStateName;
  /** errored: when the next join is due (epoch ms); 0 when refused for good. */
  retryAt: number;
  code?: string;
  message?: string;
  /** Out of its client for good (refused, or closed). */
  final: boolean;
}

/** One room or topic the client is asked to be in, with a state of its own. */
export declare class Channel extends Emitter<{ state: ChannelStateChange }> {
  constructor(kind: 'room' | 'topic', name: string, options?: ClientOptions);
  readonly kind: 'room' | 'topic';
  readonly name: string;
  readonly state: ChannelStateName;
  readonly joined: boolean;
  readonly error: { code: string; message?: string } | null;
  readonly retryAt: number;
  readonly final: boolean;
  /** Fields sent with every join of this channel besides its name (e.g. `{ snapshot: true }`). */
  joinFields: Record<string, unknown>;
  /** For the owning client. */
  setState(state: ChannelStateName, detail?: { code?: string; message?: string; retryAt?: number }): void;
  retryLater(join: () => void): number;
  cancelRetry(): void;
}
