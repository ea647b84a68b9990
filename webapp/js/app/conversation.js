// One conversation: a room (#lobby) or a private exchange (@bob), with its message log and its entry
// in the sidebar. Each keeps its own <ol>, so switching conversations only toggles `hidden`. Items
// are unique by offset (rooms) or id (whispers); older pages are prepended without moving what the
// reader is looking at. A room follows the state of its channel (ChatClient.join): joining, joined,
// errored (refused, or retrying), and shows it in its sidebar entry. Chat 1.1: items are found by
// message id to show edits, deletes and reactions, and a "new messages" line marks where unread begins.

import { h } from './dom.js';
import { person, displayName } from './people.js';
import { messageItem, renderState } from './message-item.js';

const GROUP_WINDOW_MS = 5 * 60 * 1000;
const TYPING_VISIBLE_MS = 5000;

export class Conversation {
  #seen = new Set(); // 'o<offset>' or 'i<id>' of every message shown
  #pending = new Map(); // ref -> <li>
  #byId = new Map(); // message or whisper id -> <li>
  #divider = null; // the "new messages" line, while shown

  constructor({ key, kind, name }) {
    this.key = key; // 'lobby' or '@bob'
    this.kind = kind; // 'room' | 'dm'
    this.name = name; // room name or the other user's name
    this.members = new Map(); // user -> true (rooms)
    this.typing = new Map(); // user -> timer id
    this.unread = 0;
    this.v11 = false; // rooms: the server speaks chat 1.1 (edit, delete, react, read positions)
    this.oldest = null; // smallest offset shown
    this.hasOlder = false;
    this.loadingOlder = false; // a history request of this room is on its way
    this.olderError = null; // why the last one failed (only the button asks again then)
    this.joined = false;
    this.channel = null; // rooms: the client's Channel
    this.channelState = null;
    this.problem = null; // {message, final} while the channel is errored
    const label = kind === 'room' ? `Messages in #${name}` : `Private messages with ${name}`;
    this.list = h('ol', {
      class: 'log', role: 'log', 'aria-label': label, hidden: true,
      dataset: { testid: 'message-list', conversation: key },
    });
    this.empty = h('li', { class: 'log-empty muted', dataset: { testid: 'log-empty' } },
      kind === 'room' ? 'No messages yet. Say hello!' : `Start a private conversation with ${name}.`);
    this.list.append(this.empty);
  }

  get title() { return this.kind === 'room' ? `#${this.name}` : `@${displayName(this.name)}`; }

  /** The server refused this room for good (the client does not ask again by itself). */
  get refused() { return Boolean(this.problem?.final); }

  /** The line under the conversation's name: nothing for a joined room, else what is going on. */
  get status() {
    if (this.kind === 'dm') return 'private';
    if (this.refused) return `not joined: ${this.problem.message}`;
    if (this.problem) return `could not join yet (${this.problem.message}), trying again…`;
    if (this.channelState === 'closed') return 'not in this room';
    return this.joined ? '' : 'joining…';
  }

  /** Its entry in the sidebar, a button that calls `onSelect`. */
  sidebarItem(onSelect) {
    this.button = h('button', {
      type: 'button', class: 'conv',
      dataset: { testid: this.kind === 'room' ? `room-${this.name}` : `dm-${this.name}` },
      onclick: onSelect,
    },
    h('span', { class: 'conv-mark', 'aria-hidden': 'true' }, this.kind === 'room' ? '#' : '@'),
    this.kind === 'room' ? h('span', { class: 'conv-name' }, this.name) : person(this.name, { className: 'conv-name' }),
    this.stateNote = h('span', { class: 'muted small', hidden: true, dataset: { testid: 'room-state' } }),
    this.unreadBadge = h('span', { class: 'count-badge', hidden: true, dataset: { testid: 'unread' } }));
    this.item = h('li', {}, this.button);
    return this.item;
  }

  /** The sidebar entry: unread count, and a room's trouble joining (text only). */
  renderItem() {
    this.unreadBadge.textContent = String(this.unread);
    this.unreadBadge.hidden = this.unread === 0;
    const trouble = this.problem ? (this.refused ? 'refused' : 'retrying…') : '';
    this.stateNote.textContent = trouble;
    this.stateNote.hidden = !trouble;
    this.stateNote.title = this.problem?.message ?? '';
    if (this.channelState) this.item.dataset.state = this.refused ? 'refused' : this.channelState;
    const label = [this.title, this.unread ? `${this.unread} unread` : '', this.problem ? this.status : ''];
    this.button.setAttribute('aria-label', label.filter(Boolean).join(', '));
  }

  /** A new channel for this room: the first join, or a join again after a refusal. */
  useChannel(channel) {
    this.channel = channel;
    this.channelState = channel.state;
    this.problem = null;
    this.renderItem();
  }

  /** A 'channelState' event of the chat client; false when it is about an earlier channel of this room. */
  channelChanged(s) {
    if (s.channel !== this.channel) return false;
    this.channelState = s.state;
    this.joined = s.state === 'joined';
    this.problem = s.state === 'errored' ? { message: s.message || s.code, final: s.final } : null;
    this.renderItem();
    return true;
  }

  /** `user` is typing: shown until they stop or TYPING_VISIBLE_MS pass (then `onExpired`). */
  typingBy(user, onExpired) {
    clearTimeout(this.typing.get(user));
    this.typing.set(user, setTimeout(() => { this.typing.delete(user); onExpired(); }, TYPING_VISIBLE_MS));
  }

  /** True when `user` was shown typing. */
  stopTyping(user) {
    if (!this.typing.has(user)) return false;
    clearTimeout(this.typing.get(user));
    this.typing.delete(user);
    return true;
  }

  /** Adds a message (room message or whisper) at the end, or at the start for older pages. */
  add(m, { me, prepend = false } = {}) {
    if (m.id != null && this.#byId.has(m.id)) return null;
    const key = this.kind === 'room' && Number.isInteger(m.offset) ? `o${m.offset}` : `i${m.id}`;
    if (this.#seen.has(key)) return null;
    this.#seen.add(key);
    if (Number.isInteger(m.offset) && (this.oldest === null || m.offset < this.oldest)) this.oldest = m.offset;
    if (m.ref != null && this.#pending.has(m.ref) && m.from === me) {
      this.#pending.get(m.ref).remove();
      this.#pending.delete(m.ref);
    }
    const mine = m.from === me;
    const li = messageItem(m, { mine, me, actions: this.kind === 'room' && this.v11 });
    if (m.id != null) this.#byId.set(m.id, li);
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

  /** A message's new state (edited, deleted, reacted to); false when it is not shown here. */
  update(m, me) {
    const li = this.#byId.get(m.id);
    if (!li) return false;
    renderState(li, m, me);
    return true;
  }

  /** The <li> of a message or whisper by id (`item` is the sidebar entry). */
  itemOf(id) { return this.#byId.get(id); }

  /** One's own newest message that can still be edited (the Up arrow), or undefined. */
  lastOwn() {
    const own = this.list.querySelectorAll('li.msg[data-mine="true"]:not([data-deleted]):not(.pending)');
    return own[own.length - 1];
  }

  /** The largest offset shown (0 when none). */
  get newest() {
    const items = this.list.querySelectorAll('li.msg[data-offset]:not([data-offset=""])');
    return items.length ? Number(items[items.length - 1].dataset.offset) : 0;
  }

  /**
   * Puts the "new messages" line above the first message of someone else after `read`; removes it
   * when there is none. Returns whether it is shown.
   */
  markNewAfter(read, me) {
    this.clearNewMarker();
    const first = [...this.list.querySelectorAll('li.msg[data-offset]')]
      .find((li) => Number(li.dataset.offset) > read && li.dataset.from !== me && !li.classList.contains('pending'));
    if (!first) return false;
    this.#divider = h('li', { class: 'note new-messages', role: 'separator', dataset: { testid: 'new-messages' } }, 'New messages');
    this.list.insertBefore(this.#divider, first);
    regroup(first); // the line separates: the first unread message shows its author again
    return true;
  }

  clearNewMarker() {
    if (!this.#divider) return;
    const next = this.#divider.nextElementSibling;
    this.#divider.remove();
    this.#divider = null;
    regroup(next);
  }

  get newMarkerShown() { return this.#divider !== null; }

  /** The room's history restarted (new epoch): offsets start again at 1, what is shown stays. */
  newEpoch() {
    for (const key of [...this.#seen]) if (key.startsWith('o')) this.#seen.delete(key);
    this.oldest = null;
    this.hasOlder = false;
  }

  /** Shows a message the server has not confirmed yet (sending, or waiting for the connection). */
  addPending(ref, text, me) {
    const li = messageItem({ from: me, text, ts: new Date().toISOString() }, { mine: true, me });
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

  /** A line between messages: presence (`user` + text), or what happened to the history. */
  note(text, kind = 'system', user = null) {
    this.empty.remove();
    const dataset = { testid: kind === 'divider' ? 'divider' : 'system-line', ...(user ? { user } : {}) };
    this.list.insertBefore(h('li', { class: `note ${kind}`, dataset }, user ? person(user) : null, text),
      this.#firstPending());
  }

  #firstPending() {
    return this.#pending.values().next().value ?? null;
  }
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
