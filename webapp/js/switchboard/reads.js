// Read positions and unread counts per room (chat 1.1), and the coalesced sending of `read`.
//
// The server stores one read offset per user and room and answers every join with it (`read`) and
// with `unread` (messages after it, not counting the user's own). From then on the count is kept
// here: a message of someone else newer than what that answer already counted adds one; the user's
// position moving (markRead here, or a `read` frame from another device) recounts from the message
// store (exact where the store holds every message after the new position, else by subtracting the
// messages it does hold). A 1.0 server sends no `read`: everything shown at the join counts as read,
// and nothing is sent.
//
// Sending: at most one `read` per room every `throttleMs`, only when higher than what was sent or
// stored, only for a room joined on the current connection. While offline (or joining) only the
// highest wanted offset is kept; it goes out once the room is joined again.

export class ReadPositions {
  #rooms = new Map(); // room -> { read, unread, counted, supported, sent, wanted, lastSentAt, timer }
  #opts;

  /**
   * opts: { store (MessageStore), me: () => user, throttleMs: () => ms, canSend: (room) => bool,
   *         send: (room, offset) => void, changed: (room, {read, unread}) => void }
   */
  constructor(opts) {
    this.#opts = opts;
  }

  /** The user's read offset in the room (0 before anything is known). */
  position(room) { return this.#rooms.get(room)?.read ?? 0; }

  unread(room) { return this.#rooms.get(room)?.unread ?? 0; }

  /** Whether the room's server keeps read positions (its joined carried `read`). */
  supported(room) { return Boolean(this.#rooms.get(room)?.supported); }

  /** A joined answer (first join or rejoin). `rejoin` and `epochChanged` as the client saw them. */
  joined(room, frame, { rejoin, epochChanged }) {
    const r = this.#room(room);
    const offset = Number.isInteger(frame.offset) ? frame.offset : 0;
    if (Number.isInteger(frame.read)) {
      r.supported = true;
      r.read = frame.read;
      r.unread = Number.isInteger(frame.unread) ? frame.unread : 0;
      r.sent = Math.max(epochChanged ? 0 : r.sent, frame.read);
      if (epochChanged) r.wanted = 0;
      r.counted = offset; // the server's count includes everything up to here (a recovered replay too)
    } else {
      r.supported = false;
      if (!rejoin || epochChanged) Object.assign(r, { read: offset, unread: 0, counted: offset });
    }
    this.#changed(room, r);
    this.flush(room);
  }

  /** A message seen for the first time (live or replayed). */
  message(room, m) {
    const r = this.#rooms.get(room);
    if (!r || !Number.isInteger(m.offset) || m.offset <= r.counted) return;
    r.counted = m.offset;
    if (m.from === this.#opts.me() || m.offset <= r.read) return;
    r.unread += 1;
    this.#changed(room, r);
  }

  /** The user read up to `offset` here: recount now, send (coalesced) to the server. */
  mark(room, offset) {
    const r = this.#rooms.get(room);
    if (!r || !Number.isInteger(offset) || offset <= 0) return;
    this.#moveTo(room, r, offset);
    if (offset > r.wanted) r.wanted = offset;
    this.#schedule(room, r);
  }

  /** A `read` frame: the same user's position moved on another device (or this one's echo). */
  serverRead(room, offset) {
    const r = this.#rooms.get(room);
    if (!r || !Number.isInteger(offset)) return;
    r.supported = true;
    r.sent = Math.max(r.sent, offset);
    this.#moveTo(room, r, offset);
  }

  /** Sends the highest wanted offset if it may go now (the room was just joined, or a timer fired). */
  flush(room) {
    const r = this.#rooms.get(room);
    if (!r || r.wanted <= r.sent) return;
    if (!r.supported || !this.#opts.canSend(room)) return; // kept: sent after the next join
    const wait = r.lastSentAt + this.#opts.throttleMs() - Date.now();
    if (wait > 0) { this.#schedule(room, r); return; }
    r.sent = r.wanted;
    r.lastSentAt = Date.now();
    this.#opts.send(room, r.wanted);
  }

  /** Left or refused: nothing more to send or count. */
  forget(room) {
    clearTimeout(this.#rooms.get(room)?.timer);
    this.#rooms.delete(room);
  }

  #moveTo(room, r, offset) {
    if (offset <= r.read) return;
    const { store, me } = this.#opts;
    const unread = store.complete(room, offset) ? store.countAfter(room, offset, me())
      : Math.max(0, r.unread - store.countAfter(room, r.read, me(), offset));
    r.read = offset;
    if (offset > r.counted) r.counted = offset;
    r.unread = unread;
    this.#changed(room, r);
  }

  #schedule(room, r) {
    const wait = r.lastSentAt + this.#opts.throttleMs() - Date.now();
    if (wait <= 0) { this.flush(room); return; }
    if (r.timer) return;
    r.timer = setTimeout(() => { r.timer = 0; this.flush(room); }, wait);
  }

  #room(room) {
    let r = this.#rooms.get(room);
    if (!r) {
      r = { read: 0, unread: 0, counted: 0, supported: false, sent: 0, wanted: 0, lastSentAt: -Infinity, timer: 0, told: '' };
      this.#rooms.set(room, r);
    }
    return r;
  }

  /** Tells the client when the position or the count differs from what it last told. */
  #changed(room, r) {
    const key = `${r.read}/${r.unread}`;
    if (r.told === key) return;
    r.told = key;
    this.#opts.changed(room, { read: r.read, unread: r.unread });
  }
}
