// The last offset and epoch seen per room or topic: what a reconnect sends as `since`, and the
// filter that drops a frame already delivered (offset <= last seen), so that a replay after a
// reconnect shows nothing twice.

export class Positions {
  #byName = new Map(); // name -> { offset, epoch }

  /** {offset, epoch} to send as `since`, or undefined before anything was seen. */
  since(name) {
    const p = this.#byName.get(name);
    return p && p.epoch != null ? { offset: p.offset, epoch: p.epoch } : undefined;
  }

  /** True when the item is new (and remembers it); false for an offset already seen. */
  accept(name, offset) {
    if (!Number.isInteger(offset)) return true; // nothing to order by: let it through
    const p = this.#byName.get(name) ?? { offset: 0, epoch: null };
    if (offset <= p.offset) return false;
    this.#byName.set(name, { offset, epoch: p.epoch });
    return true;
  }

  /**
   * Applies a joined/subscribed answer. `items` are the messages it carries (history or last);
   * returns those not seen yet, and whether the history the client knew is gone (new epoch).
   *
   * recovered: true  — the server replays exactly what was missed (inside this answer or as
   *                    frames right after it): keep the position, let the filter pass the rest.
   * recovered: false — a fresh start or a resynchronisation: after the items, the position is the
   *                    room's offset, so later replays of older offsets are ignored.
   */
  sync(name, { offset, epoch, recovered }, items = []) {
    const before = this.#byName.get(name);
    const epochChanged = Boolean(before && before.epoch != null && epoch != null && before.epoch !== epoch);
    // A new epoch restarts offsets at 1; the same epoch keeps what was seen.
    const seen = before && !epochChanged ? before.offset : 0;
    this.#byName.set(name, { offset: seen, epoch: epoch ?? before?.epoch ?? null });
    const fresh = items.filter((item) => this.accept(name, item?.offset));
    const p = this.#byName.get(name);
    if (!recovered && Number.isInteger(offset) && offset > p.offset) p.offset = offset;
    // Same history, not recovered, and the first new item is not the next one: some were missed.
    const firstNew = fresh.length && Number.isInteger(fresh[0].offset) ? fresh[0].offset : p.offset + 1;
    const gap = Boolean(before) && !recovered && !epochChanged && firstNew > seen + 1;
    return { fresh, epochChanged, gap };
  }

  delete(name) {
    this.#byName.delete(name);
  }
}
