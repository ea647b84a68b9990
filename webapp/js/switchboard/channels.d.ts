import type { ResolvedOptions, ClientOptions } from './defaults.js';
import type { Emitter } from './emitter.js';
import type { Connection, StateName } from './connection.js';
import type { Channel, ChannelStateChange } from './channel.js';
import type { Push, RequestKind } from './requests.js';
import type { ErrorFrame } from './frames.js';

/** A 'channelState' event: a room's or topic's state changed. */
export type ChannelStateEvent = ChannelStateChange & { name: string; channel: Channel; room?: string; topic?: string };
/** A 'refused' event: a join or subscribe refused for good (not retried). */
export interface RefusedEvent { name: string; code: string; message?: string; ref?: string; request?: object; channel: Channel; room?: string; topic?: string }

/** How ChannelClient names one endpoint's vocabulary (chat.js and notifications.js each have one). */
export interface ChannelSpec {
  path: 'chatPath' | 'notificationsPath';
  key: 'room' | 'topic';
  join: string; joined: string; leave: string; left: string;
  item: string;
  items: readonly string[];
  requests: Readonly<Record<string, RequestKind>>;
  replayOf(answer: object, rejoin: boolean): object[];
  joinedEvent(answer: object, sync: SyncResult): object;
}
export interface SyncResult<T = object> { fresh: T[]; epochChanged: boolean; gap: boolean; rejoin: boolean; items: T[] }

/** What both clients share: one connection, the channels, refs and replies, replay and de-duplication. */
export declare class ChannelClient<Events extends object, RequestFrame extends { type: string } = { type: string }> extends Emitter<Events> {
  constructor(spec: ChannelSpec, options?: ClientOptions);
  readonly options: ResolvedOptions;
  readonly state: StateName;
  readonly user: string | null;
  readonly connection: Connection;
  /** In or joining, in the order asked for. */
  readonly channels: Channel[];
  /** Writes not yet confirmed by the server. */
  readonly pending: number;
  channel(name: string): Channel | undefined;
  connect(): this;
  close(): this;
  reconnectNow(): void;
  /** `fields` go with every join of the channel (e.g. `{ snapshot: true }`). */
  openChannel(name: string, fields?: Record<string, unknown>): Channel;
  closeChannel(name: string): Channel | undefined;
  /** A request of this client's kinds with a fresh ref (null for kinds without one, like typing). */
  request(frame: RequestFrame): Push | null;
  handle(type: string, fn: (frame: any) => void): void;
  /** The last offset seen in a room or topic (0 before any). */
  lastOffset(name: string): number;
  /** For subclasses. */
  deliverItem(frame: object): void;
  channelSynced(answer: object, sync: SyncResult): void;
  channelGone(name: string): void;
}

export type { ErrorFrame };
