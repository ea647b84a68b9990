// Notifications client for /ws/notifications. Topics are channels (channels.js): subscribed again
// after every reconnect with `since`, notifications de-duplicated by offset, subscribe/unsubscribe
// with a ref and their replies matched to them.
//
// Events: 'state', 'welcome', 'subscribed', 'notification', 'unsubscribed', 'error', 'pong',
// 'close', 'open', 'frame', 'channelState' (a topic's state changed), 'refused' (a subscribe refused
// for good) and '*'. 'subscribed' carries {topic, last, recovered, epochChanged, gap, resubscribe};
// 'notification' is emitted once per offset, including those missed while disconnected
// (replayed: true).
//
// Database topics (table:NAME): subscribe(topic, { snapshot: true }) asks for the table's rows with
// every subscribe, the first and those after a reconnect; 'subscribed' then carries `rows` (and
// `truncated: true` when there were more): the whole table at the frame's offset, replacing whatever
// the application knew. Changes after that offset follow as notifications; none before it.

import { ChannelClient } from './channels.js';
import { Offline, requestKind } from './requests.js';

/** Every request of /ws/notifications (see requests.js). */
export const NotificationRequests = Object.freeze({
  subscribe: requestKind({ reply: ['subscribed'], offline: Offline.CHANNEL }),
  unsubscribe: requestKind({ reply: ['unsubscribed'], offline: Offline.DROP }),
});

const topics = {
  path: 'notificationsPath',
  key: 'topic',
  join: 'subscribe',
  joined: 'subscribed',
  leave: 'unsubscribe',
  left: 'unsubscribed',
  item: 'notification',
  items: ['notification'],
  requests: NotificationRequests,
  // First subscribe: `last` is the topic's current value. A re-subscribe that recovered: the missed
  // notifications follow as notification frames (`last` is one of them, so it is not counted here).
  // One that did not: `history` (or else `last`) is emitted as notifications, minus what was seen.
  replayOf(subscribed, rejoin) {
    if (Array.isArray(subscribed.rows)) return []; // the rows are the state at the offset: nothing to replay
    if (rejoin && subscribed.recovered) return [];
    if (rejoin && Array.isArray(subscribed.history)) return subscribed.history;
    return subscribed.last ? [subscribed.last] : [];
  },
  // With rows nothing can be missing: they are the whole table at the offset.
  joinedEvent: (subscribed, { epochChanged, gap, rejoin }) => ({
    ...subscribed, epochChanged, gap: gap && !Array.isArray(subscribed.rows), resubscribe: rejoin,
  }),
};

export class NotificationClient extends ChannelClient {
  constructor(options = {}) {
    super(topics, options);
  }

  /** Topics this client is subscribed or subscribing to (not those unsubscribed or refused). */
  get topics() { return this.channels.map((c) => c.name); }

  /**
   * Subscribes (now, or when the connection opens; again after every reconnect); returns the topic's
   * Channel. options.snapshot: a database topic's rows with every 'subscribed' (see above).
   */
  subscribe(topic, options = {}) { return this.openChannel(topic, options.snapshot ? { snapshot: true } : undefined); }

  /** Unsubscribes; returns the topic's Channel (undefined when not subscribed). */
  unsubscribe(topic) { return this.closeChannel(topic); }
}
