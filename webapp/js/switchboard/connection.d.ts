import type { ClientOptions, ResolvedOptions } from './defaults.js';
import type { Emitter } from './emitter.js';
import type { ServerFrame, WelcomeFrame, ErrorFrame } from './frames.js';

export { endpointUrl, parseFrame } from './wire.js';

export declare const State: { readonly CONNECTING: 'connecting'; readonly OPEN: 'open'; readonly RECONNECTING: 'reconnecting'; readonly CLOSED: 'closed' };
export type StateName = (typeof State)[keyof typeof State];

/** A 'state' event: the connection's state changed (reconnecting: announced again with each countdown). */
export interface StateEvent {
  state: StateName;
  previous: StateName;
  code?: number;
  reason?: string;
  /** reconnecting: the delay before the next attempt, ms, and when it is due (epoch ms). */
  delay?: number;
  retryAt?: number;
  attempt?: number;
  /** closed for good: a close code that forbids reconnecting, or no new token. */
  final?: boolean;
  unauthorized?: boolean;
}
export interface OpenEvent { reconnected: boolean }
export interface CloseEvent { code: number; reason: string }

/** The events every client has: its connection's, plus 'frame' (every server frame, before filtering) and 'error'. */
export interface ConnectionEvents {
  state: StateEvent;
  open: OpenEvent;
  close: CloseEvent;
  frame: ServerFrame;
  welcome: WelcomeFrame;
  error: ErrorFrame;
  pong: { type: 'pong'; ref?: string };
}

export type SendResult = 'sent' | 'buffered' | 'dropped';

/** One WebSocket to one endpoint, kept open: reconnects, heartbeat, offline buffer, page lifecycle. */
export declare class Connection extends Emitter<ConnectionEvents & { [type: string]: unknown }> {
  constructor(path: string, options?: ClientOptions);
  readonly path: string;
  readonly options: ResolvedOptions;
  readonly state: StateName;
  /** The last welcome, null before the first. */
  readonly welcome: WelcomeFrame | null;
  readonly user: string | null;
  /** When the next reconnect attempt is due (epoch ms), 0 when none. */
  readonly retryAt: number;
  readonly buffered: number;
  open(): this;
  close(): this;
  reconnectNow(): void;
  send(frame: object, options?: { buffer?: boolean }): SendResult;
}
