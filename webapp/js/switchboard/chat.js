// Chat client for /ws/chat. Rooms are channels (channels.js): joined again after every reconnect
// with `since`, log entries de-duplicated by offset, every request with a ref and its reply matched
// to it; say/whisper/edit/remove/react kept until the server echoes their ref.
//
// Events: 'state', 'welcome', 'joined', 'left', 'message', 'presence', 'typing', 'whisper',
// 'history', 'error', 'pong', 'close', 'open', 'frame' (every frame, before filtering), 'channelState'
// (a room's state changed), 'refused' (a join refused for good) and '*'. 'joined' carries {room,
// members, history (first join only), recovered, epochChanged, gap, rejoin, read, unread}; 'message'
// and 'whisper' are emitted once per offset / id, including those replayed after a reconnect
// (replayed: true).
// Chat 1.1: 'edited', 'deleted', 'reaction' (log entries: once per offset, in offset order, also
// when replayed; each with `message`, the stored state after it), 'messageChanged' {room, id,
// message, cause} (a stored message's state changed, by an event or by a newer history page),
// 'read' (this user's position moved on another device), 'unread' {room, read, unread},
// 'receipt', 'delivered' and 'seen' (with `status`).

import { ChannelClient } from './channels.js';
import { Offline, requestKind } from './requests.js';
import { MessageStore } from './messages.js';
import { ReadPositions } from './reads.js';
import { Whispers } from './whispers.js';
import { State } from './connection.js';

/**
 * Every request of /ws/chat: what answers it and what happens to it offline (requests.js). Writes
 * (say, whisper, edit, delete, react) are kept until their echo, which confirms them only in the
 * author's copy; read and seen have no answer and are coalesced by the client (reads.js, whispers.js).
 */
export const ChatRequests = Object.freeze({
  join: requestKind({ reply: ['joined'], offline: Offline.CHANNEL }),
  leave: requestKind({ reply: ['left'], offline: Offline.DROP }),
  say: requestKind({ reply: ['message'], echo: 'from', offline: Offline.KEEP, timeout: false }),
  whisper: requestKind({ reply: ['whisper'], echo: 'from', offline: Offline.KEEP, timeout: false }),
  history: requestKind({ reply: ['history'], offline: Offline.KEEP }),
  typing: requestKind({ offline: Offline.DROP, ref: false }),
  edit: requestKind({ reply: ['edited'], echo: 'from', offline: Offline.KEEP, timeout: false }),
  delete: requestKind({ reply: ['deleted'], echo: 'from', offline: Offline.KEEP, timeout: false }),
  react: requestKind({ reply: ['reaction'], echo: 'user', offline: Offline.KEEP, timeout: false }),
  read: requestKind({ offline: Offline.DROP, ref: false }),
  seen: requestKind({ offline: Offline.DROP, ref: false }),
});

/** Readers remembered per room for receipts (a room with more forgets the longest silent). */
const MAX_RECEIPT_USERS = 1000;

const rooms = {
  path: 'chatPath',
  key: 'room',
  join: 'join',
  joined: 'joined',
  leave: 'leave',
  left: 'left',
  item: 'message',
  items: ['message', 'edited', 'deleted', 'reaction'],
  requests: ChatRequests,
  replayOf: (joined) => (Array.isArray(joined.history) ? joined.history : []),
  joinedEvent: (joined, { fresh, epochChanged, gap, rejoin }) =>
    ({ ...joined, history: rejoin ? [] : fresh, epochChanged, gap, rejoin }),
};

export class ChatClient extends ChannelClient {
  #lastTyping = new Map(); // room -> ms of the last typing frame sent
  #store;
  #reads;
  #whispers;
  #receipts = new Map(); // room -> Map(user -> offset)
  #v11 = false; // this connection's server speaks chat 1.1 (a joined carried `read`, or a 1.1 frame came)

  constructor(options = {}) {
    super(rooms, options);
    this.#store = new MessageStore({ maxPerRoom: this.options.maxStoredMessages });
    this.#whispers = new Whispers({ remember: this.options.rememberedWhispers });
    this.#reads = new ReadPositions({
      store: this.#store,
      me: () => this.user,
      throttleMs: () => this.options.readThrottleMs,
      canSend: (room) => this.state === State.OPEN && Boolean(this.channel(room)?.joined),
      send: (room, offset) => this.request({ type: 'read', room, offset }),
      changed: (room, { read, unread }) => this.emit('unread', { room, read, unread }),
    });
    this.handle('welcome', (w) => { this.#v11 = false; this.emit('welcome', w); });
    this.handle('whisper', (w) => { if (this.#whispers.first(w)) this.emit('whisper', w); });
    this.handle('read', (r) => { this.#speaks11(); this.#reads.serverRead(r.room, r.offset); this.emit('read', r); });
    this.handle('receipt', (r) => this.#receipt(r));
    for (const type of ['delivered', 'seen']) {
      this.handle(type, (f) => {
        this.#speaks11();
        this.#whispers.receipt(f);
        this.emit(type, { ...f, status: this.#whispers.status(f.whisper) });
      });
    }
  }

  /** Rooms this client is in or joining (not those left or refused). */
  get rooms() { return this.channels.map((c) => c.name); }

  /** Joins a room (now, or when the connection opens; again after every reconnect); returns its Channel. */
  join(room) { return this.openChannel(room); }

  /** Leaves a room; returns its Channel (undefined when not in it). */
  leave(room) { return this.closeChannel(room); }

  /** Sends a message; returns its ref (null when refused locally). Offline, it waits and is sent after the next (re)connect. */
  say(room, text) {
    return refOf(this.request({ type: 'say', room, text: String(text) }));
  }

  /** A private message to a user (by full identity: 'bob', 'guest:ann'); kept and sent like say. */
  whisper(to, text) {
    return refOf(this.request({ type: 'whisper', to, text: String(text) }));
  }

  /** Chat 1.1: replaces the text of one's own message; returns its ref. Kept and sent like say. */
  edit(room, id, text) {
    return refOf(this.request({ type: 'edit', room, id, text: String(text) }));
  }

  /** Chat 1.1: deletes one's own message (a `delete` frame); returns its ref. Kept and sent like say. */
  remove(room, id) {
    return refOf(this.request({ type: 'delete', room, id }));
  }

  /** Chat 1.1: toggles this user's reaction `emoji` on a message; returns its ref. Kept and sent like say. */
  react(room, id, emoji) {
    return refOf(this.request({ type: 'react', room, id, emoji: String(emoji) }));
  }

  /**
   * Chat 1.1: this user has read the room up to `offset` (default: the newest offset seen). Counts
   * at once (unread, 'unread' event); sent at most every readThrottleMs per room, only when higher;
   * offline only the highest is kept and sent once the room is joined again.
   */
  markRead(room, offset = this.lastOffset(room)) {
    this.#reads.mark(room, offset);
  }

  /** Chat 1.1: this user (the recipient) has read whisper `id`. Sent once per id; offline, after the next connect. */
  seen(whisperId) {
    if (this.#whispers.wantSeen(whisperId, this.user, this.#canSendSeen())) this.request({ type: 'seen', whisper: whisperId });
  }

  /** Tells the room this user is typing; throttled, and never queued while offline. */
  typing(room) {
    const now = Date.now();
    if (now - (this.#lastTyping.get(room) ?? 0) < this.options.typingThrottleMs) return;
    this.#lastTyping.set(room, now);
    this.request({ type: 'typing', room });
  }

  /**
   * Asks for older messages of one room. Returns a Promise of the 'history' frame ({room, messages,
   * ref}); it rejects with the error ({code, message, ref, request}, code 'timeout' without an
   * answer) for this request only. The 'history' event is emitted as well; the page is folded into
   * the message store before the Promise resolves.
   */
  history(room, { before, limit = this.options.historyLimit } = {}) {
    const frame = { type: 'history', room, limit };
    if (Number.isInteger(before)) frame.before = before;
    const push = this.request(frame);
    push.receive('ok', (page) => this.#foldOlder(room, page, frame));
    return push.promise;
  }

  // ---------------------------------------------------------------- state kept for the page

  /** The stored messages of a room in their current state, oldest first (at most maxStoredMessages). */
  messages(room) { return this.#store.list(room); }

  /** One stored message by id, in its current state (undefined when not stored). */
  message(room, id) { return this.#store.get(room, id); }

  /** This user's read offset in the room, as the server stores it (0 before anything is known). */
  readPosition(room) { return this.#reads.position(room); }

  /** Messages of others after this user's read position. */
  unread(room) { return this.#reads.unread(room); }

  /** Read receipts of the room's members: Map user -> offset read (newest receipt per user). */
  receipts(room) { return new Map(this.#receipts.get(room) ?? []); }

  /** 'delivered' or 'seen' for a whisper this user sent; undefined before any receipt. */
  whisperStatus(id) { return this.#whispers.status(id); }

  /** True when the room's server speaks chat 1.1 (edits, reactions, read positions). */
  supportsV11(room) { return this.#reads.supported(room); }

  // ---------------------------------------------------------------- hooks of ChannelClient

  deliverItem(frame) {
    const room = frame.room;
    if (frame.type === 'message') {
      this.#store.add(room, frame);
      this.#reads.message(room, frame);
      this.emit('message', frame);
      return;
    }
    this.#speaks11();
    const message = this.#store.apply(room, frame);
    this.emit(frame.type, { ...frame, message });
    if (message) this.emit('messageChanged', { room, id: frame.id, message, cause: frame });
  }

  channelSynced(frame, { rejoin, epochChanged }) {
    const room = frame.room;
    if (epochChanged) this.#store.clear(room);
    if (!(rejoin && frame.recovered)) {
      // A first join or a resync: the latest page, folded; the room is complete from its oldest message.
      const page = (Array.isArray(frame.history) ? frame.history : []).filter((m) => (m?.type ?? 'message') === 'message');
      for (const message of this.#store.fold(room, page)) this.emit('messageChanged', { room, id: message.id, message, cause: frame });
      const from = Number.isInteger(page[0]?.offset) ? page[0].offset : (frame.offset ?? 0) + 1;
      this.#store.coverFrom(room, from);
    }
    if (Number.isInteger(frame.read)) this.#speaks11();
    this.#reads.joined(room, frame, { rejoin, epochChanged });
  }

  channelGone(room) {
    this.#store.clear(room);
    this.#reads.forget(room);
    this.#receipts.delete(room);
  }

  // ---------------------------------------------------------------- chat 1.1 frames

  #receipt(r) {
    this.#speaks11();
    if (!this.channel(r.room)) return;
    let users = this.#receipts.get(r.room);
    if (!users) this.#receipts.set(r.room, users = new Map());
    if (!(r.offset > (users.get(r.user) ?? 0))) return;
    users.delete(r.user); // newest last; the oldest go first when the room has very many readers
    users.set(r.user, r.offset);
    if (users.size > MAX_RECEIPT_USERS) users.delete(users.keys().next().value);
    this.emit('receipt', r);
  }

  #foldOlder(room, page, asked) {
    if (!this.channel(room) || !Array.isArray(page?.messages)) return;
    const messages = [...page.messages].sort((a, b) => a.offset - b.offset);
    // Every message before `before` up to the page's oldest is in it; fewer than asked: the room's start.
    const complete = Number.isInteger(asked.before) && this.#store.complete(room, asked.before - 1);
    const coveredFrom = messages.length < asked.limit ? 1 : messages[0].offset;
    for (const message of this.#store.fold(room, messages, { coveredFrom: complete ? coveredFrom : undefined })) {
      this.emit('messageChanged', { room, id: message.id, message, cause: page });
    }
  }

  #canSendSeen() { return this.state === State.OPEN && this.#v11; }

  /** The server speaks 1.1: `seen` kept while that was not known can go now. */
  #speaks11() {
    if (this.#v11 || this.state !== State.OPEN) return;
    this.#v11 = true;
    for (const id of this.#whispers.flush()) this.request({ type: 'seen', whisper: id });
  }
}

function refOf(push) {
  return push.status === 'error' ? null : push.ref;
}
