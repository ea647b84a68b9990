// Chat client for /ws/chat: rooms joined again after every reconnect with `since`, messages
// de-duplicated by offset, say/whisper kept until the server echoes their `ref`.
//
// Events: 'state', 'welcome', 'joined', 'left', 'message', 'presence', 'typing', 'whisper',
// 'history', 'error', 'pong', 'close', 'frame' (every frame, before filtering) and '*'.
// 'joined' carries {room, members, history (first join only), recovered, epochChanged, gap,
// rejoin}; 'message' and 'whisper' are emitted once per offset / id, including the messages
// replayed after a reconnect (marked replayed: true).

import { Emitter } from './emitter.js';
import { Connection, State } from './connection.js';
import { Positions } from './positions.js';
import { defaults } from './defaults.js';

export class ChatClient extends Emitter {
  #conn;
  #rooms = new Set(); // rooms the application wants to be in
  #positions = new Positions();
  #unacked = new Map(); // ref -> say/whisper frame, sent again after a reconnect until echoed
  #seenWhispers = new Set();
  #lastTyping = new Map(); // room -> ms of the last typing frame sent
  #refPrefix = randomId();
  #refCount = 0;

  constructor(options = {}) {
    super();
    this.options = { ...defaults, ...options };
    this.#conn = new Connection(this.options.chatPath, this.options);
    this.#conn.on('state', (s) => this.#onState(s));
    this.#conn.on('frame', (f) => this.#onFrame(f));
    for (const type of ['close', 'open']) this.#conn.on(type, (e) => this.emit(type, e));
  }

  get state() { return this.#conn.state; }
  get user() { return this.#conn.user; }
  get connection() { return this.#conn; }
  get rooms() { return [...this.#rooms]; }
  /** say/whisper frames not yet confirmed by the server. */
  get pending() { return this.#unacked.size; }

  connect() { this.#conn.open(); return this; }
  close() { this.#conn.close(); return this; }
  reconnectNow() { this.#conn.reconnectNow(); }

  join(room) {
    if (this.#rooms.has(room)) return;
    this.#rooms.add(room);
    if (this.state === State.OPEN) this.#conn.send(this.#joinFrame(room));
    // Not open: the join is sent when the connection opens (#onState).
  }

  leave(room) {
    if (!this.#rooms.delete(room)) return;
    this.#positions.delete(room);
    for (const [ref, frame] of this.#unacked) if (frame.room === room) this.#unacked.delete(ref);
    this.#conn.send({ type: 'leave', room }, { buffer: false });
  }

  /** Sends a message; returns its ref. Offline, it waits and is sent after the next (re)connect. */
  say(room, text) {
    return this.#sendOnce({ type: 'say', room, text: String(text), ref: this.#nextRef() });
  }

  whisper(to, text) {
    return this.#sendOnce({ type: 'whisper', to, text: String(text), ref: this.#nextRef() });
  }

  /** Tells the room this user is typing; throttled, and never queued while offline. */
  typing(room) {
    const now = Date.now();
    if (now - (this.#lastTyping.get(room) ?? 0) < this.options.typingThrottleMs) return;
    this.#lastTyping.set(room, now);
    this.#conn.send({ type: 'typing', room }, { buffer: false });
  }

  /** Asks for older messages: answered by a 'history' event. */
  history(room, { before, limit = this.options.historyLimit } = {}) {
    const frame = { type: 'history', room, limit };
    if (Number.isInteger(before)) frame.before = before;
    return this.#conn.send(frame);
  }

  // A repeated ref from the same user in the same room is not stored twice (PROTOCOL.md), so
  // sending again after a reconnect cannot duplicate; the random prefix keeps refs of different
  // page loads apart.
  #sendOnce(frame) {
    if (this.#unacked.size >= this.options.maxBuffered) {
      this.emit('error', { type: 'error', code: 'buffer_full', message: 'Too many unsent messages', ref: frame.ref, local: true });
      return null;
    }
    this.#unacked.set(frame.ref, frame);
    if (this.state === State.OPEN) this.#conn.send(frame, { buffer: false });
    return frame.ref;
  }

  #nextRef() {
    this.#refCount += 1;
    return `${this.#refPrefix}-${this.#refCount}`;
  }

  #joinFrame(room) {
    const frame = { type: 'join', room };
    const since = this.#positions.since(room);
    if (since) frame.since = since;
    return frame;
  }

  #onState(s) {
    if (s.state === State.OPEN) {
      // Rooms first, then what is still unconfirmed, in the order it was written.
      for (const room of this.#rooms) this.#conn.send(this.#joinFrame(room));
      for (const frame of this.#unacked.values()) this.#conn.send(frame, { buffer: false });
    }
    this.emit('state', s);
  }

  #onFrame(frame) {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'joined': return this.#onJoined(frame);
      case 'message': return this.#onMessage(frame);
      case 'whisper': return this.#onWhisper(frame);
      case 'error': return this.#onError(frame);
      case 'left':
        this.#positions.delete(frame.room);
        return this.emit('left', frame);
      default:
        return this.emit(frame.type, frame);
    }
  }

  // First join: `history` is the latest page, handed over with 'joined'. A re-join after a
  // reconnect: what was missed (recovered) or the latest page (resync) is new to this client and
  // is emitted as 'message' events after 'joined', minus anything already seen.
  #onJoined(frame) {
    const rejoin = this.#positions.since(frame.room) !== undefined;
    const items = Array.isArray(frame.history) ? frame.history : [];
    const { fresh, epochChanged, gap } = this.#positions.sync(frame.room, frame, items);
    for (const m of fresh) this.#ack(m);
    this.emit('joined', { ...frame, history: rejoin ? [] : fresh, epochChanged, gap, rejoin });
    if (rejoin) for (const m of fresh) this.emit('message', { ...m, type: 'message', replayed: true });
  }

  #onMessage(frame) {
    this.#ack(frame);
    if (this.#positions.accept(frame.room, frame.offset)) this.emit('message', frame);
  }

  #onWhisper(frame) {
    this.#ack(frame);
    // Whispers have no offset; they are replayed on connect, so remember their ids.
    if (frame.id != null) {
      if (this.#seenWhispers.has(frame.id)) return;
      this.#seenWhispers.add(frame.id);
      if (this.#seenWhispers.size > this.options.rememberedWhispers) {
        this.#seenWhispers.delete(this.#seenWhispers.values().next().value);
      }
    }
    this.emit('whisper', frame);
  }

  #onError(frame) {
    if (frame.ref != null) this.#unacked.delete(frame.ref); // refused: sending again would not help
    this.emit('error', frame);
  }

  #ack(frame) {
    if (frame?.ref != null && frame.from === this.user) this.#unacked.delete(frame.ref);
  }
}

function randomId() {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(36).padStart(2, '0')).join('').slice(0, 8);
}
