// What the chat and notifications clients share: one Connection, the registry of channels (rooms or
// topics) with their states, joining them on every (re)connect with `since` from the positions seen,
// refs for every request and the matching of replies and errors to them (with timeouts), and the
// replay/de-duplication of what a re-join delivers. ChatClient and NotificationClient only add
// their request kinds, frame types and methods; `spec` names the endpoint's vocabulary:
//
//   { path: 'chatPath', key: 'room', join: 'join', joined: 'joined', leave: 'leave', left: 'left',
//     item: 'message', items: ['message', 'edited', …], requests: ChatRequests,
//     replayOf(joinedFrame, rejoin) → items it carries, joinedEvent(joinedFrame, sync) → event payload }
//
// `items` are the frame types of a channel's log: they share its offsets (chat 1.1: edits, deletes
// and reactions are log entries as messages are), so each is emitted once per offset and replayed
// in offset order after a reconnect; an entry of a joined frame without a type is an `item`.
//
// Rules: a refused join (an error that is not transient) takes the channel out of the registry, so it
// is never sent again; a transient one (unavailable, rate_limited, timeout) is retried with backoff.
// Items (messages, notifications) are emitted only for a joined channel, at most once per offset.
// Subclasses may override deliverItem (an item seen for the first time), channelSynced (a joined
// answer, before its event) and channelGone (left or refused).

import { Emitter } from './emitter.js';
import { Connection, State } from './connection.js';
import { Positions } from './positions.js';
import { defaults } from './defaults.js';
import { Channel, ChannelState, TRANSIENT_ERRORS } from './channel.js';
import { Offline, Push, Requests } from './requests.js';

export class ChannelClient extends Emitter {
  #conn;
  #spec;
  #channels = new Map(); // name -> Channel the application wants to be in (joining, joined, errored-retrying)
  #positions = new Positions();
  #requests;
  #handlers = new Map(); // frame type -> handler of a subclass

  constructor(spec, options = {}) {
    super();
    this.#spec = spec;
    this.options = { ...defaults, ...options };
    this.#requests = new Requests({ timeoutMs: () => this.options.requestTimeoutMs, onTimeout: (p) => this.#timedOut(p) });
    this.#conn = new Connection(this.options[spec.path], this.options);
    this.#conn.on('state', (s) => this.#onState(s));
    this.#conn.on('frame', (f) => this.#onFrame(f));
    for (const type of ['close', 'open']) this.#conn.on(type, (e) => this.emit(type, e));
  }

  get state() { return this.#conn.state; }
  get user() { return this.#conn.user; }
  get connection() { return this.#conn; }
  /** The channels this client is in or joining, in the order they were asked for. */
  get channels() { return [...this.#channels.values()]; }
  /** Writes (say, whisper) not yet confirmed by the server. */
  get pending() { return this.#requests.count((p) => p.kind.echo != null); }

  /** The channel of that room or topic, while it is in this client (not after leave() or a refusal). */
  channel(name) { return this.#channels.get(name); }

  connect() { this.#conn.open(); return this; }
  close() { this.#conn.close(); return this; }
  reconnectNow() { this.#conn.reconnectNow(); }

  /**
   * join / subscribe: returns the channel (the same one while it is in this client). `fields` are sent with
   * every join of it (e.g. snapshot: true); given again for a channel already in, they apply from its next join.
   */
  openChannel(name, fields = undefined) {
    let channel = this.#channels.get(name);
    if (channel) {
      if (fields) channel.joinFields = { ...fields };
      return channel;
    }
    channel = new Channel(this.#spec.key, name, this.options);
    channel.joinFields = fields ? { ...fields } : {};
    channel.on('state', (e) => this.emit('channelState', { ...e, [this.#spec.key]: name, name, channel }));
    this.#channels.set(name, channel);
    if (this.state === State.OPEN) this.#sendJoin(channel);
    else channel.setState(ChannelState.JOINING); // sent when the connection opens
    return channel;
  }

  /** leave / unsubscribe: the channel leaves the registry at once; requests still waiting for it are cancelled. */
  closeChannel(name) {
    const channel = this.#channels.get(name);
    if (!channel) return undefined;
    this.#channels.delete(name);
    this.#forget(name);
    // Its join in flight and what waits for it (say, history) are of no use now; a late reply matches nothing.
    for (const push of this.#requests.values()) {
      if (push.frame[this.#spec.key] === name) this.#requests.settle(push, 'error', localError('cancelled', `left ${name}`, push));
    }
    if (this.state !== State.OPEN) { // the server forgot this connection's channels with it
      channel.setState(ChannelState.CLOSED);
      return channel;
    }
    channel.setState(ChannelState.LEAVING);
    const push = this.request({ type: this.#spec.leave, [this.#spec.key]: name });
    push.channel = channel;
    // Left, refused (not_joined: not in it either), no answer, or the connection lost: out of it in any case.
    for (const status of ['ok', 'error', 'timeout']) push.receive(status, () => channel.setState(ChannelState.CLOSED));
    return channel;
  }

  /**
   * Sends a request of one of this client's kinds (spec.requests) with a fresh ref; returns its Push
   * (null for kinds without a ref, like typing). Offline rules: see requests.js, Offline.
   */
  request(frame) {
    const kind = this.#spec.requests[frame.type];
    if (!kind) throw new TypeError(`not a request of this client: ${frame.type}`);
    if (kind.offline === Offline.CHANNEL) throw new TypeError(`${frame.type} belongs to a channel: use ${frame.type}()`);
    if (!kind.ref) {
      this.#conn.send(frame, { buffer: false });
      return null;
    }
    const push = new Push({ ...frame, ref: frame.ref ?? this.#requests.nextRef() }, kind);
    if (kind.offline === Offline.KEEP) {
      if (this.#requests.count((p) => p.kind.offline === Offline.KEEP) >= this.options.maxBuffered) {
        return this.#fail(push, localError('buffer_full', 'Too many requests waiting for the connection', push));
      }
    } else if (this.state !== State.OPEN) {
      return this.#fail(push, localError('offline', 'Not connected', push));
    }
    this.#requests.add(push);
    if (this.state === State.OPEN) this.#transmit(push);
    return push;
  }

  /** For subclasses: the handler of one of their own server frame types (instead of the plain event). */
  handle(type, fn) { this.#handlers.set(type, fn); }

  /** For subclasses: a log entry (message, notification, edit…) seen for the first time. */
  deliverItem(frame) { this.emit(frame.type, frame); }

  /** For subclasses: a joined/subscribed answer was applied; its event and replayed items follow. */
  channelSynced(frame, sync) {} // eslint-disable-line no-unused-vars

  /** For subclasses: a channel left the client (left, refused, or ended by the server). */
  channelGone(name) {} // eslint-disable-line no-unused-vars

  /** The last offset seen in a room or topic (0 before any). */
  lastOffset(name) { return this.#positions.since(name)?.offset ?? 0; }

  // ---------------------------------------------------------------------------------- sending

  #sendJoin(channel) {
    const { join, key, requests } = this.#spec;
    const frame = { ...channel.joinFields, type: join, [key]: channel.name, ref: this.#requests.nextRef() };
    const since = this.#positions.since(channel.name);
    if (since) frame.since = since;
    const push = new Push(frame, requests[join]);
    push.channel = channel;
    channel.setState(ChannelState.JOINING);
    this.#requests.add(push);
    this.#transmit(push);
  }

  #transmit(push) {
    // 'dropped' (too large) comes back at once as a local error with this ref, settling the push.
    if (this.#conn.send(push.frame, { buffer: false }) === 'sent') this.#requests.sent(push);
  }

  #fail(push, error) {
    push.settle('error', error);
    this.emit('error', error);
    return push;
  }

  #onState(s) {
    if (s.state === State.OPEN) {
      // Channels first, then what waits, in the order it was written: a say follows its room's join.
      for (const channel of this.#channels.values()) this.#sendJoin(channel);
      for (const push of this.#requests.values()) if (push.kind.offline === Offline.KEEP && !push.sent) this.#transmit(push);
    } else {
      for (const push of this.#requests.values()) this.#lost(push);
      for (const channel of this.#channels.values()) channel.setState(ChannelState.JOINING);
    }
    this.emit('state', s);
  }

  /** The connection a request was sent on is gone: kept ones go again on the next; joins are sent anew. */
  #lost(push) {
    if (push.kind.offline === Offline.KEEP) this.#requests.unsent(push);
    else this.#requests.settle(push, 'error', localError('disconnected', 'Connection lost', push));
  }

  // ---------------------------------------------------------------------------------- receiving

  #onFrame(frame) {
    this.emit('frame', frame);
    const { joined, left, items, key } = this.#spec;
    const push = this.#requests.match(frame, this.user, key);
    if (frame.type === 'error') return this.#onError(frame, push);
    if (push) this.#requests.settle(push, 'ok', frame);
    if (frame.type === joined) return this.#onJoined(frame, push);
    if (frame.type === left) return this.#onLeft(frame, push);
    if (items.includes(frame.type)) return this.#onItem(frame);
    const handler = this.#handlers.get(frame.type);
    return handler ? handler(frame) : this.emit(frame.type, frame);
  }

  #onError(frame, push) {
    const error = push ? { ...frame, request: push.frame } : frame;
    if (push) {
      this.#requests.settle(push, 'error', error);
      if (push.kind.offline === Offline.CHANNEL) this.#joinFailed(push.channel, error);
    }
    this.emit('error', error);
  }

  #timedOut(push) {
    const error = localError('timeout', `No answer within ${this.options.requestTimeoutMs} ms`, push);
    this.#requests.settle(push, 'timeout', error);
    if (push.kind.offline === Offline.CHANNEL) this.#joinFailed(push.channel, error);
    this.emit('error', error);
  }

  #joinFailed(channel, error) {
    if (this.#channels.get(channel.name) !== channel) return; // left meanwhile
    const { code, message } = error;
    if (TRANSIENT_ERRORS.includes(code)) {
      const retryAt = channel.retryLater(() => {
        if (this.#channels.get(channel.name) !== channel) return;
        if (this.state === State.OPEN) this.#sendJoin(channel);
        else channel.setState(ChannelState.JOINING);
      });
      channel.setState(ChannelState.ERRORED, { code, message, retryAt });
      return;
    }
    // Refused: asking again on every reconnect would only be refused again.
    this.#channels.delete(channel.name);
    this.#forget(channel.name);
    channel.setState(ChannelState.ERRORED, { code, message });
    this.emit('refused', { [this.#spec.key]: channel.name, name: channel.name, code, message, ref: error.ref, request: error.request, channel });
  }

  // First join: the items it carries are the latest page (or the current value), handed over with
  // the joined event. A re-join after a reconnect: what was missed (recovered) or the latest page
  // (resync) is new to this client and is emitted as items after it, minus anything already seen.
  #onJoined(frame, push) {
    const { key, item } = this.#spec;
    const channel = this.#channels.get(frame[key]);
    // Left meanwhile, or the answer to an earlier channel of that name (left and joined again).
    if (!channel || (push && push.channel !== channel)) return;
    const rejoin = this.#positions.since(channel.name) !== undefined;
    // Entries keep their own type (a recovery replays edits and reactions too); untyped ones are items.
    const items = this.#spec.replayOf(frame, rejoin).map((m) => ({ ...m, type: m?.type ?? item }));
    const { fresh, epochChanged, gap } = this.#positions.sync(channel.name, frame, items);
    for (const m of items) this.#confirm(m);
    // Any joined is the server's word that this connection is in the channel, also a late one after a timeout.
    channel.setState(ChannelState.JOINED);
    const sync = { fresh, epochChanged, gap, rejoin, items };
    this.channelSynced(frame, sync);
    this.emit(frame.type, this.#spec.joinedEvent(frame, sync));
    if (rejoin) for (const m of fresh) this.deliverItem({ ...m, replayed: true });
  }

  #onLeft(frame, push) {
    const name = frame[this.#spec.key];
    const channel = this.#channels.get(name);
    if (!push && channel) { // not asked for: the server ended the membership
      this.#channels.delete(name);
      this.#forget(name);
      channel.setState(ChannelState.CLOSED);
    }
    this.emit(frame.type, frame);
  }

  #onItem(frame) {
    const channel = this.#channels.get(frame[this.#spec.key]);
    if (channel?.joined && this.#positions.accept(channel.name, frame.offset)) this.deliverItem(frame);
  }

  #forget(name) {
    this.#positions.delete(name);
    this.channelGone(name);
  }

  /** An item that came inside a reply (a joined's history) may be the echo of a write of this client. */
  #confirm(frame) {
    if (frame.ref == null) return;
    const push = this.#requests.match(frame, this.user, this.#spec.key);
    if (push) this.#requests.settle(push, 'ok', frame);
  }
}

function localError(code, message, push) {
  return { type: 'error', code, message, ref: push.ref, local: true, request: push.frame };
}
