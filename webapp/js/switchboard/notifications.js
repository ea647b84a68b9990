// Notifications client for /ws/notifications: topics subscribed again after every reconnect with
// `since`, notifications de-duplicated by offset.
//
// Events: 'state', 'welcome', 'subscribed', 'notification', 'unsubscribed', 'error', 'pong',
// 'close', 'frame' and '*'. 'subscribed' carries {topic, last, recovered, epochChanged, gap,
// resubscribe}; 'notification' is emitted once per offset, including those missed while
// disconnected (replayed: true).

import { Emitter } from './emitter.js';
import { Connection, State } from './connection.js';
import { Positions } from './positions.js';
import { defaults } from './defaults.js';

export class NotificationClient extends Emitter {
  #conn;
  #topics = new Set();
  #positions = new Positions();

  constructor(options = {}) {
    super();
    this.options = { ...defaults, ...options };
    this.#conn = new Connection(this.options.notificationsPath, this.options);
    this.#conn.on('state', (s) => {
      if (s.state === State.OPEN) for (const topic of this.#topics) this.#conn.send(this.#subscribeFrame(topic));
      this.emit('state', s);
    });
    this.#conn.on('frame', (f) => this.#onFrame(f));
    for (const type of ['close', 'open']) this.#conn.on(type, (e) => this.emit(type, e));
  }

  get state() { return this.#conn.state; }
  get user() { return this.#conn.user; }
  get connection() { return this.#conn; }
  get topics() { return [...this.#topics]; }

  connect() { this.#conn.open(); return this; }
  close() { this.#conn.close(); return this; }
  reconnectNow() { this.#conn.reconnectNow(); }

  subscribe(topic) {
    if (this.#topics.has(topic)) return;
    this.#topics.add(topic);
    if (this.state === State.OPEN) this.#conn.send(this.#subscribeFrame(topic));
  }

  unsubscribe(topic) {
    if (!this.#topics.delete(topic)) return;
    this.#positions.delete(topic);
    this.#conn.send({ type: 'unsubscribe', topic }, { buffer: false });
  }

  #subscribeFrame(topic) {
    const frame = { type: 'subscribe', topic };
    const since = this.#positions.since(topic);
    if (since) frame.since = since;
    return frame;
  }

  // First subscribe: `last` is the topic's current value. A re-subscribe that recovered: the
  // missed notifications follow as notification frames (`last` is one of them, so it is not
  // counted here). One that did not: `history` (or else `last`) is emitted as notifications,
  // minus what was already seen.
  #onSubscribed(frame) {
    const resubscribe = this.#positions.since(frame.topic) !== undefined;
    let items = frame.last ? [frame.last] : [];
    if (resubscribe && frame.recovered) items = [];
    else if (resubscribe && Array.isArray(frame.history)) items = frame.history;
    const { fresh, epochChanged, gap } = this.#positions.sync(frame.topic, frame, items);
    this.emit('subscribed', { ...frame, epochChanged, gap, resubscribe });
    if (resubscribe) for (const n of fresh) this.emit('notification', { ...n, type: 'notification', replayed: true });
  }

  #onFrame(frame) {
    this.emit('frame', frame);
    if (frame.type === 'subscribed') {
      this.#onSubscribed(frame);
    } else if (frame.type === 'notification') {
      if (this.#positions.accept(frame.topic, frame.offset)) this.emit('notification', frame);
    } else {
      if (frame.type === 'unsubscribed') this.#positions.delete(frame.topic);
      this.emit(frame.type, frame);
    }
  }
}
