import type { ErrorFrame, ServerFrame } from './frames.js';
import type { Channel } from './channel.js';

export declare const Offline: { readonly KEEP: 'keep'; readonly DROP: 'drop'; readonly CHANNEL: 'channel' };
export type OfflineRule = (typeof Offline)[keyof typeof Offline];

export interface RequestKind {
  readonly reply: readonly string[];
  readonly echo: string | null;
  readonly offline: OfflineRule;
  readonly timeout: boolean;
  readonly ref: boolean;
}
export declare function requestKind(options?: { reply?: string[]; echo?: string | null; offline?: OfflineRule; timeout?: boolean; ref?: boolean }): RequestKind;

export type PushStatus = 'ok' | 'error' | 'timeout';

/** One request and its answer (Phoenix's Push). */
export declare class Push<Reply = ServerFrame> {
  constructor(frame: { type: string; ref?: string }, kind: RequestKind);
  readonly frame: { type: string; ref?: string; [field: string]: unknown };
  readonly kind: RequestKind;
  readonly ref: string | null;
  channel: Channel | null;
  sent: boolean;
  timer: ReturnType<typeof setTimeout> | 0;
  /** Resolves with the reply; rejects with the error frame. */
  readonly promise: Promise<Reply>;
  readonly status: PushStatus | null;
  receive(status: 'ok', fn: (reply: Reply) => void): this;
  receive(status: 'error' | 'timeout', fn: (error: ErrorFrame) => void): this;
  settle(status: PushStatus, result: Reply | ErrorFrame): void;
}

/** The pending requests of one client: refs, timers, reply matching. */
export declare class Requests {
  constructor(options: { timeoutMs: () => number; onTimeout: (push: Push) => void });
  nextRef(): string;
  add(push: Push): void;
  values(): Push[];
  count(filter: (push: Push) => boolean): number;
  sent(push: Push): void;
  unsent(push: Push): void;
  settle(push: Push, status: PushStatus, result: unknown): void;
  match(frame: ServerFrame, user: string | null, key: string): Push | null;
}
