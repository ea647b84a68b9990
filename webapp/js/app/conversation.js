// One conversation's message log: a room (#lobby) or a private exchange (@bob). Each keeps its
// own <ol>, so switching conversations only toggles `hidden`. Items are unique by offset (rooms)
// or id (whispers); older pages are prepended without moving what the reader is looking at.

import { h, timeOf, dateTimeOf, hueClass } from './dom.js';

const GROUP_WINDOW_MS = 5 * 60 * 1000;

export class Conversation {
  #seen = new Set(); // 'o<offset>' or 'i<id>' of every message shown
  #pending = new Map(); // ref -> <li>

  constructor({ key, kind, name }) {
    this.key = key; // 'lobby' or '@bob'
    this.kind = kind; // 'room' | 'dm'
    this.name = name; // room name or the other user's name
    this.members = new Map(); // user -> true (rooms)
    this.typing = new Map(); // user -> timer id
    this.unread = 0;
    this.oldest = null; // smallest offset shown
    this.hasOlder = false;
    this.loadingOlder = false;
    this.joined = false;
    const label = kind === 'room' ? `Messages in #${name}` : `Private messages with ${name}`;
    this.list = h('ol', {
      class: 'log', role: 'log', 'aria-label': label, hidden: true,
      dataset: { testid: 'message-list', conversation: key },
    });
    this.empty = h('li', { class: 'log-empty muted', dataset: { testid: 'log-empty' } },
      kind === 'room' ? 'No messages yet. Say hello!' : `Start a private conversation with ${name}.`);
    this.list.append(this.empty);
  }

  get title() { return this.kind === 'room' ? `#${this.name}` : `@${this.name}`; }

  /** Adds a message (room message or whisper) at the end, or at the start for older pages. */
  add(m, { me, prepend = false } = {}) {
    const key = this.kind === 'room' && Number.isInteger(m.offset) ? `o${m.offset}` : `i${m.id}`;
    if (this.#seen.has(key)) return null;
    this.#seen.add(key);
    if (Number.isInteger(m.offset) && (this.oldest === null || m.offset < this.oldest)) this.oldest = m.offset;
    if (m.ref != null && this.#pending.has(m.ref) && m.from === me) {
      this.#pending.get(m.ref).remove();
      this.#pending.delete(m.ref);
    }
    const li = messageItem(m, m.from === me);
    this.empty.remove();
    if (prepend) {
      this.list.prepend(li);
      regroup(li.nextElementSibling);
    } else {
      const anchor = this.#firstPending();
      this.list.insertBefore(li, anchor);
    }
    regroup(li);
    return li;
  }

  /** The room's history restarted (new epoch): offsets start again at 1, what is shown stays. */
  newEpoch() {
    for (const key of [...this.#seen]) if (key.startsWith('o')) this.#seen.delete(key);
    this.oldest = null;
    this.hasOlder = false;
  }

  /** Shows a message the server has not confirmed yet (sending, or waiting for the connection). */
  addPending(ref, text, me) {
    const li = messageItem({ from: me, text, ts: new Date().toISOString() }, true);
    li.classList.add('pending');
    li.dataset.testid = 'message-pending';
    li.dataset.ref = ref;
    li.querySelector('time').textContent = 'sending…';
    this.empty.remove();
    this.list.append(li);
    this.#pending.set(ref, li);
  }

  /** A pending message the server refused. */
  failPending(ref, why) {
    const li = this.#pending.get(ref);
    if (!li) return false;
    li.classList.add('failed');
    li.querySelector('time').textContent = `not sent: ${why}`;
    this.#pending.delete(ref);
    return true;
  }

  hasPending(ref) { return this.#pending.has(ref); }

  /** A line between messages: presence, or what happened to the history. */
  note(text, kind = 'system') {
    this.empty.remove();
    this.list.insertBefore(
      h('li', { class: `note ${kind}`, dataset: { testid: kind === 'divider' ? 'divider' : 'system-line' } }, text),
      this.#firstPending());
  }

  #firstPending() {
    return this.#pending.values().next().value ?? null;
  }
}

function messageItem(m, mine) {
  const who = m.from ?? '?';
  return h('li', {
    class: `msg${mine ? ' mine' : ''}`,
    dataset: { testid: 'message', from: who, offset: m.offset ?? '', id: m.id ?? '', ts: m.ts ?? '' },
  },
  h('span', { class: `avatar ${hueClass(who)}`, 'aria-hidden': 'true' }, initial(who)),
  h('div', { class: 'bubble' },
    h('div', { class: 'meta' },
      h('span', { class: `from ${hueClass(who)}`, dataset: { testid: 'message-from' } }, who),
      h('time', { datetime: m.ts ?? '', title: dateTimeOf(m.ts) }, timeOf(m.ts))),
    h('p', { class: 'text', dataset: { testid: 'message-text' } }, m.text ?? '')));
}

function initial(name) {
  return [...String(name)][0]?.toUpperCase() ?? '?';
}

// Consecutive messages by one author within a few minutes share one name line.
function regroup(li) {
  if (!li || !li.classList.contains('msg')) return;
  const prev = li.previousElementSibling;
  const close = prev?.classList.contains('msg') && !prev.classList.contains('pending')
    && prev.dataset.from === li.dataset.from
    && Math.abs(Date.parse(li.dataset.ts) - Date.parse(prev.dataset.ts)) < GROUP_WINDOW_MS;
  li.classList.toggle('grouped', Boolean(close));
}
