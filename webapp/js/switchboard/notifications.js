// Notifications client for /ws/notifications. Topics are channels (channels.js): subscribed again
// after every reconnect with `since`, notifications de-duplicated by offset, subscribe/unsubscribe
// with a ref and their replies matched to them.
//
// Events: 'state', 'welcome', 'subscribed', 'notification', 'unsubscribed', 'error', 'pong',
// 'close', 'open', 'frame', 'channelState' (a topic's state changed), 'refused' (a subscribe refused
// for good) and '*'. 'subscribed' carries {topic, last, recovered, epochChanged, gap, resubscribe};
// 'notification' is emitted once per offset, including those missed while disconnected
// (replayed: true).

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
    if (rejoin && subscribed.recovered) return [];
    if (rejoin && Array.isArray(subscribed.history)) return subscribed.history;
    return subscribed.last ? [subscribed.last] : [];
  },
  joinedEvent: (subscribed, { epochChanged, gap, rejoin }) => ({ ...subscribed, epochChanged, gap, resubscribe: rejoin }),
};

export class NotificationClient extends ChannelClient {
  constructor(options = {}) {
    super(topics, options);
  }

  /** Topics this client is subscribed or subscribing to (not those unsubscribed or refused). */
  get topics() { return this.channels.map((c) => c.name); }

  /** Subscribes (now, or when the connection opens; again after every reconnect); returns the topic's Channel. */
  subscribe(topic) { return this.openChannel(topic); }

  /** Unsubscribes; returns the topic's Channel (undefined when not subscribed). */
  unsubscribe(topic) { return this.closeChannel(topic); }
}
