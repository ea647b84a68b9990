// Chat client for /ws/chat. Rooms are channels (channels.js): joined again after every reconnect
// with `since`, messages de-duplicated by offset, every request with a ref and its reply matched to
// it; say/whisper kept until the server echoes their ref.
//
// Events: 'state', 'welcome', 'joined', 'left', 'message', 'presence', 'typing', 'whisper',
// 'history', 'error', 'pong', 'close', 'open', 'frame' (every frame, before filtering), 'channelState'
// (a room's state changed), 'refused' (a join refused for good) and '*'. 'joined' carries {room,
// members, history (first join only), recovered, epochChanged, gap, rejoin}; 'message' and
// 'whisper' are emitted once per offset / id, including the messages replayed after a reconnect
// (marked replayed: true).

import { ChannelClient } from './channels.js';
import { Offline, requestKind } from './requests.js';

/**
 * Every request of /ws/chat: what answers it and what happens to it offline (requests.js). Chat 1.1
 * adds here: edit → 'edited', delete → 'deleted', react → 'reaction' (each {echo: 'from' or 'user',
 * offline: KEEP, timeout: false}, like say) and read/seen (no ref, DROP, like typing).
 */
export const ChatRequests = Object.freeze({
  join: requestKind({ reply: ['joined'], offline: Offline.CHANNEL }),
  leave: requestKind({ reply: ['left'], offline: Offline.DROP }),
  say: requestKind({ reply: ['message'], echo: 'from', offline: Offline.KEEP, timeout: false }),
  whisper: requestKind({ reply: ['whisper'], echo: 'from', offline: Offline.KEEP, timeout: false }),
  history: requestKind({ reply: ['history'], offline: Offline.KEEP }),
  typing: requestKind({ offline: Offline.DROP, ref: false }),
});

const rooms = {
  path: 'chatPath',
  key: 'room',
  join: 'join',
  joined: 'joined',
  leave: 'leave',
  left: 'left',
  item: 'message',
  requests: ChatRequests,
  replayOf: (joined) => (Array.isArray(joined.history) ? joined.history : []),
  joinedEvent: (joined, { fresh, epochChanged, gap, rejoin }) =>
    ({ ...joined, history: rejoin ? [] : fresh, epochChanged, gap, rejoin }),
};

export class ChatClient extends ChannelClient {
  #seenWhispers = new Set();
  #lastTyping = new Map(); // room -> ms of the last typing frame sent

  constructor(options = {}) {
    super(rooms, options);
    this.handle('whisper', (w) => this.#onWhisper(w));
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

  whisper(to, text) {
    return refOf(this.request({ type: 'whisper', to, text: String(text) }));
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
   * answer) for this request only. The 'history' event is emitted as well.
   */
  history(room, { before, limit = this.options.historyLimit } = {}) {
    const frame = { type: 'history', room, limit };
    if (Number.isInteger(before)) frame.before = before;
    return this.request(frame).promise;
  }

  #onWhisper(frame) {
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
}

function refOf(push) {
  return push.status === 'error' ? null : push.ref;
}
