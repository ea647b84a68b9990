// The messages of each room in their current state (chat 1.1): what a history page would show now.
// A message is stored as the server folds it in history pages: {room, offset, id, from, text, ts,
// ref?, edited?: "<ts>", deleted?: true (and no text), reactions?: {"👍": ["bob", "cy"]}}.
//
// Fed by the chat client only: first-join and resync pages (already folded), older pages, live or
// replayed `message` frames, and `edited` / `deleted` / `reaction` log events applied in offset order.
// Each change replaces the stored object with a new one (treat them as read-only), so a page can
// compare by identity. Bounded: at most `maxPerRoom` messages per room, the newest kept.
//
// `coveredFrom` is the lowest offset from which every later message of the room is stored; unread
// counts (reads.js) are exact above it.

export class MessageStore {
  #rooms = new Map(); // room -> { byId: Map(id -> message), list: message[] sorted by offset, coveredFrom }
  #maxPerRoom;

  constructor({ maxPerRoom = 1000 } = {}) {
    this.#maxPerRoom = maxPerRoom;
  }

  /** Messages of a room, oldest first. */
  list(room) { return [...(this.#rooms.get(room)?.list ?? [])]; }

  get(room, id) { return this.#rooms.get(room)?.byId.get(id); }

  /** The offset of the newest stored message (0 when none). */
  newest(room) { return this.#rooms.get(room)?.list.at(-1)?.offset ?? 0; }

  /** True when every message after `offset` is stored. */
  complete(room, offset) {
    const r = this.#rooms.get(room);
    return Boolean(r) && r.coveredFrom <= offset + 1;
  }

  /** Messages after `offset` not written by `user` (deleted ones too: the server counts them the same way). */
  countAfter(room, offset, user, upTo = Infinity) {
    let n = 0;
    for (const m of this.#rooms.get(room)?.list ?? []) {
      if (m.offset > offset && m.offset <= upTo && m.from !== user) n += 1;
    }
    return n;
  }

  /**
   * Folds a history page (messages in their current state) into the store. `coveredFrom`: the
   * offset from which the room is now known completely (the page's oldest, or more). Returns the
   * messages whose stored state changed (they were known, and differ now).
   */
  fold(room, messages, { coveredFrom } = {}) {
    const r = this.#room(room);
    const changed = [];
    for (const m of messages) {
      if (!isMessage(m)) continue;
      const next = normalise(room, m);
      const old = r.byId.get(next.id);
      if (old && sameState(old, next)) continue;
      this.#put(r, next);
      if (old) changed.push(next);
    }
    if (Number.isInteger(coveredFrom)) r.coveredFrom = Math.min(r.coveredFrom, coveredFrom);
    this.#trim(r);
    return changed;
  }

  /** A new message (live or replayed): stored unless known. Returns the stored state. */
  add(room, m) {
    if (!isMessage(m)) return undefined;
    const r = this.#room(room);
    const known = r.byId.get(m.id);
    if (known) return known;
    const next = normalise(room, m);
    this.#put(r, next);
    this.#trim(r);
    return r.byId.get(next.id);
  }

  /**
   * Every message of the room from `offset` on is stored, and nothing is known of those before (a
   * first join's or a resync's page starts there: after a gap, older stored ones may have missed edits).
   */
  coverFrom(room, offset) {
    this.#room(room).coveredFrom = offset;
  }

  /**
   * Applies an edited / deleted / reaction event. Returns the new state, or undefined when the
   * message is not stored (older than the store keeps) or nothing changed.
   */
  apply(room, event) {
    const r = this.#rooms.get(room);
    const old = r?.byId.get(event.id);
    if (!old) return undefined;
    const next = applyEvent(old, event);
    if (next === old) return undefined;
    this.#put(r, next);
    return next;
  }

  /** Forgets a room (left), or its history (a new epoch: offsets start again). */
  clear(room) { this.#rooms.delete(room); }

  #room(room) {
    let r = this.#rooms.get(room);
    if (!r) this.#rooms.set(room, r = { byId: new Map(), list: [], coveredFrom: Infinity });
    return r;
  }

  #put(r, m) {
    const old = r.byId.get(m.id);
    r.byId.set(m.id, m);
    if (old) {
      r.list[r.list.indexOf(old)] = m;
      return;
    }
    // Live messages come last; older pages go first: search from the end, then from the start.
    let i = r.list.length;
    while (i > 0 && r.list[i - 1].offset > m.offset) i -= 1;
    r.list.splice(i, 0, m);
  }

  #trim(r) {
    while (r.list.length > this.#maxPerRoom) {
      const gone = r.list.shift();
      r.byId.delete(gone.id);
      r.coveredFrom = Math.max(r.coveredFrom === Infinity ? 0 : r.coveredFrom, gone.offset + 1);
    }
  }
}

/** The state after one log event; the same object when the event changes nothing. */
export function applyEvent(m, event) {
  switch (event.type) {
    case 'edited':
      if (m.deleted || (m.text === event.text && m.edited === event.ts)) return m;
      return { ...m, text: event.text, edited: event.ts ?? true };
    case 'deleted': {
      if (m.deleted) return m;
      const { text, ...rest } = m;
      return { ...rest, deleted: true };
    }
    case 'reaction': {
      const users = m.reactions?.[event.emoji] ?? [];
      const has = users.includes(event.user);
      const on = event.on !== false;
      if (has === on) return m;
      const reactions = { ...m.reactions, [event.emoji]: on ? [...users, event.user] : users.filter((u) => u !== event.user) };
      if (reactions[event.emoji].length === 0) delete reactions[event.emoji];
      const next = { ...m, reactions };
      if (Object.keys(reactions).length === 0) delete next.reactions;
      return next;
    }
    default:
      return m;
  }
}

function isMessage(m) {
  return m && (m.type === undefined || m.type === 'message') && m.id != null && Number.isInteger(m.offset);
}

function normalise(room, m) {
  const { type, replayed, ...state } = m;
  return { ...state, room };
}

function sameState(a, b) {
  return a.text === b.text && a.edited === b.edited && Boolean(a.deleted) === Boolean(b.deleted)
    && JSON.stringify(a.reactions ?? {}) === JSON.stringify(b.reactions ?? {});
}
