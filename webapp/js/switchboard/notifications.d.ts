import type { ClientOptions } from './defaults.js';
import type { ChannelClient, ChannelStateEvent, RefusedEvent } from './channels.js';
import type { Channel } from './channel.js';
import type { RequestKind } from './requests.js';
import type { ConnectionEvents } from './connection.js';
import type { NotificationFrame, NotificationRequestFrame, NotificationServerFrame, SubscribedFrame, UnsubscribedFrame } from './frames.js';

export declare const NotificationRequests: Readonly<{ subscribe: RequestKind; unsubscribe: RequestKind }>;

/** Options of NotificationClient.subscribe. */
export interface SubscribeOptions {
  /**
   * Database topics (table:NAME): every 'subscribed' of this topic (the first and those after a reconnect) carries
   * `rows`, the table at the frame's offset (`truncated: true` when there were more); changes after it follow.
   */
  snapshot?: boolean;
}

export interface SubscribedEvent extends SubscribedFrame {
  epochChanged: boolean;
  gap: boolean;
  /** A subscribe again after a reconnect. */
  resubscribe: boolean;
}

export interface NotificationEvents extends ConnectionEvents {
  frame: NotificationServerFrame;
  subscribed: SubscribedEvent;
  notification: NotificationFrame;
  unsubscribed: UnsubscribedFrame;
  channelState: ChannelStateEvent;
  refused: RefusedEvent;
}

/** The client of /ws/notifications: topics are channels, notifications come once per offset. */
export declare class NotificationClient extends ChannelClient<NotificationEvents, NotificationRequestFrame> {
  constructor(options?: ClientOptions);
  /** Topics subscribed or subscribing to. */
  readonly topics: string[];
  subscribe(topic: string, options?: SubscribeOptions): Channel;
  unsubscribe(topic: string): Channel | undefined;
}
