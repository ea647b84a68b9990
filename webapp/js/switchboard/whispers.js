// Whispers have no offset: the server replays undelivered ones on every connect, so their ids are
// remembered to show each once. Chat 1.1 adds receipts: `delivered` {whisper, to} and `seen`
// {whisper, by} reach the sender; `seen` {whisper} goes from the recipient once it has read one.
// Everything here is bounded by `remember` ids (the oldest forgotten first).

export class Whispers {
  #shown = new Map(); // id -> from (whispers already emitted)
  #status = new Map(); // id -> 'delivered' | 'seen' (whispers this user sent)
  #seenSent = new Set(); // ids whose `seen` went out
  #seenWanted = new Set(); // ids whose `seen` waits for a connection that speaks 1.1
  #remember;

  constructor({ remember = 1000 } = {}) {
    this.#remember = remember;
  }

  /** True the first time a whisper id comes (and remembers it); false for a replay already shown. */
  first(frame) {
    if (frame.id == null) return true;
    if (this.#shown.has(frame.id)) return false;
    bounded(this.#shown, this.#remember).set(frame.id, frame.from);
    return true;
  }

  /** 'delivered' or 'seen' for a whisper this user sent, once the server said so; undefined before. */
  status(id) { return this.#status.get(id); }

  /** A delivered/seen frame; returns true when it moved the status forward (seen is final). */
  receipt(frame) {
    const next = frame.type === 'seen' ? 'seen' : 'delivered';
    const now = this.#status.get(frame.whisper);
    if (now === 'seen' || now === next) return false;
    bounded(this.#status, this.#remember).set(frame.whisper, next);
    return true;
  }

  /**
   * The recipient read whisper `id`: returns whether `seen` should be sent now (once per id; never
   * for one's own whisper). `canSend` false keeps it for flush().
   */
  wantSeen(id, me, canSend) {
    if (id == null || this.#seenSent.has(id) || this.#shown.get(id) === me) return false;
    if (!canSend) {
      if (this.#seenWanted.size < this.#remember) this.#seenWanted.add(id);
      return false;
    }
    this.#markSent(id);
    return true;
  }

  /** Ids whose `seen` waited for a connection; they count as sent from now on. */
  flush() {
    const ids = [...this.#seenWanted];
    this.#seenWanted.clear();
    for (const id of ids) this.#markSent(id);
    return ids;
  }

  #markSent(id) {
    this.#seenWanted.delete(id);
    if (this.#seenSent.size >= this.#remember) this.#seenSent.delete(this.#seenSent.values().next().value);
    this.#seenSent.add(id);
  }
}

/** Makes room for one more entry in an insertion-ordered Map of at most `max` entries. */
function bounded(map, max) {
  while (map.size >= max) map.delete(map.keys().next().value);
  return map;
}
