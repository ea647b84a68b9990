// The chat view: rooms and private conversations in the sidebar, members, the active log with
// history paging, who is typing, and the composer. Talks to the server only through ChatClient.
// Chat 1.1 parts live beside it: message-actions.js (edit, delete, react), reading.js (unread,
// the "new messages" line, read and seen), composer.js (keys).

import { Conversation } from './conversation.js';
import { renderMembers, typingText } from './members.js';
import { OlderPages } from './older-pages.js';
import { bindOfflineBanner } from './status.js';
import { bindComposer, bindConversationKeys } from './composer.js';
import { MessageActions } from './message-actions.js';
import { Reading } from './reading.js';

const NEAR_TOP_PX = 48;
const NEAR_BOTTOM_PX = 80;

const byTestId = (root, id) => root.querySelector(`[data-testid="${id}"]`);

export class ChatView {
  #chat;
  #root;
  #el;
  #convs = new Map(); // key -> Conversation
  #active = null;
  #me = null;
  #onError;
  #onRoomsChanged;
  #older;
  #refreshBanner;
  #actions;
  #reading;

  constructor(root, chat, { onError = () => {}, onRoomsChanged = () => {} } = {}) {
    this.#root = root;
    this.#chat = chat;
    this.#onError = onError;
    this.#onRoomsChanged = onRoomsChanged;
    const el = (id) => byTestId(root, id);
    this.#el = {
      rooms: el('room-list'), dms: el('dm-list'), dmHint: el('dm-hint'),
      members: el('member-list'), memberCount: el('member-count'),
      title: el('conversation-title'), sub: el('conversation-sub'), leave: el('leave-room'),
      banner: el('offline-banner'), scroller: el('message-scroller'), logs: el('logs'),
      older: el('load-older'), start: el('history-start'), typing: el('typing-indicator'),
      composer: el('composer'), input: el('composer-input'), joinForm: el('join-form'), joinInput: el('join-input'),
    };
    this.#older = new OlderPages(chat, this.#el, { me: () => this.#me, isActive: (conv) => conv === this.#active });
    this.#refreshBanner = bindOfflineBanner(this.#el.banner, chat);
    this.#actions = new MessageActions(chat, this.#el.logs, { onDone: () => this.#el.input.focus() });
    this.#reading = new Reading(chat, {
      isActive: (conv) => conv === this.#active, me: () => this.#me, conversations: () => [...this.#convs.values()],
    });
    this.#wireDom();
    this.#wireClient();
  }

  /**
   * Joins a room (if needed) and shows it (or, with select: false, only adds it to the list). A room
   * the server refused is asked for again.
   */
  openRoom(name, { select = true } = {}) {
    let conv = this.#convs.get(name);
    if (!conv) conv = this.#add(new Conversation({ key: name, kind: 'room', name }));
    if (!conv.channel || conv.channel.final) {
      conv.useChannel(this.#chat.join(name));
      this.#onRoomsChanged(this.rooms);
    }
    if (select || !this.#active) this.#select(conv);
    else if (conv === this.#active) this.#renderActive();
  }

  /** Opens the private conversation with a user. */
  openDm(user) {
    this.#select(this.#dm(user));
    this.#el.input.focus();
  }

  /** Rooms to open again next time (not those the server refused). */
  get rooms() {
    return [...this.#convs.values()].filter((c) => c.kind === 'room' && !c.refused).map((c) => c.name);
  }

  // ------------------------------------------------------------------ server events

  #wireClient() {
    const chat = this.#chat;
    chat.on('welcome', (w) => {
      this.#me = w.user;
      const max = w.limits?.maxTextChars;
      if (Number.isInteger(max) && max > 0) this.#el.input.maxLength = max;
      this.#renderMembers();
    });
    chat.on('joined', (j) => this.#joined(j));
    chat.on('message', (m) => this.#message(m));
    chat.on('channelState', (s) => this.#channelState(s));
    chat.on('presence', (p) => this.#presence(p));
    chat.on('typing', (t) => this.#typing(t));
    chat.on('whisper', (w) => this.#whisper(w));
    chat.on('messageChanged', ({ room, message }) => this.#convs.get(room)?.update(message, this.#me));
    chat.on('error', (e) => this.#error(e));
    document.addEventListener('visibilitychange', () => this.#reading.shown(this.#active));
  }

  #joined(j) {
    const conv = this.#convs.get(j.room);
    if (!conv) return; // left meanwhile
    conv.joined = true;
    conv.v11 = this.#chat.supportsV11(j.room);
    conv.members = new Map((j.members ?? []).map((m) => [m.user, true]));
    if (j.rejoin) {
      if (j.epochChanged) {
        conv.newEpoch();
        conv.note('The server lost its history (restart): messages below are from its new history.', 'divider');
      } else if (j.gap) {
        conv.note('Some messages sent while you were away are no longer available.', 'divider');
      }
    } else {
      this.#atBottomThen(conv, () => {
        for (const m of j.history ?? []) conv.add(m, { me: this.#me });
      });
      conv.hasOlder = conv.oldest !== null && conv.oldest > 1;
    }
    if (conv === this.#active) this.#renderActive();
    this.#reading.joined(conv);
  }

  #message(m) {
    const conv = this.#convs.get(m.room);
    if (!conv) return;
    this.#stopTyping(conv, m.from);
    this.#atBottomThen(conv, () => conv.add(m, { me: this.#me }), m.from === this.#me);
    this.#reading.arrived(conv, m);
  }

  #whisper(w) {
    const partner = w.from === this.#me ? w.to : w.from;
    const conv = this.#dm(partner);
    this.#atBottomThen(conv, () => conv.add(w, { me: this.#me }), w.from === this.#me);
    this.#reading.arrived(conv, w);
  }

  /** A room's state: joining, joined, errored (refused for good, or retrying), leaving, closed. */
  #channelState(s) {
    const conv = this.#convs.get(s.room);
    if (!conv?.channelChanged(s)) return;
    if (conv.refused) this.#onRoomsChanged(this.rooms);
    if (conv === this.#active) this.#renderActive();
  }

  #presence(p) {
    const conv = this.#convs.get(p.room);
    if (!conv || p.user === this.#me) return;
    if (p.event === 'join') conv.members.set(p.user, true);
    else conv.members.delete(p.user);
    if (p.event === 'leave') this.#stopTyping(conv, p.user);
    this.#atBottomThen(conv, () => conv.note(` ${p.event === 'join' ? 'joined' : 'left'}`, 'system', p.user));
    if (conv === this.#active) this.#renderMembers();
  }

  #typing(t) {
    const conv = this.#convs.get(t.room);
    if (!conv || t.user === this.#me) return;
    conv.typingBy(t.user, () => { if (conv === this.#active) this.#renderTyping(); });
    if (conv === this.#active) this.#renderTyping();
  }

  #error(e) {
    // Shown where they belong: a refused join in the room list, a failed history page above its log.
    if (e.request?.type === 'join' || e.request?.type === 'history') return;
    for (const conv of this.#convs.values()) {
      if (e.ref != null && conv.failPending(e.ref, e.message ?? e.code)) return;
    }
    this.#onError(e);
  }

  // ------------------------------------------------------------------ page events

  #wireDom() {
    const { input, joinForm, joinInput, leave, older, scroller } = this.#el;
    bindComposer(this.#el, {
      send: (text) => this.#send(text),
      editLast: () => {
        const li = this.#active?.kind === 'room' && this.#active.v11 ? this.#active.lastOwn() : null;
        if (li) this.#actions.edit(li);
        return Boolean(li);
      },
      typing: () => { if (this.#active?.kind === 'room') this.#chat.typing(this.#active.name); },
    });
    joinForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = joinInput.value.trim();
      if (!joinInput.checkValidity() || !name) return;
      joinInput.value = '';
      this.openRoom(name);
      input.focus();
    });
    leave.addEventListener('click', () => this.#close(this.#active));
    older.addEventListener('click', () => this.#older.request(this.#active, { retry: true }));
    scroller.addEventListener('scroll', () => {
      if (scroller.scrollTop < NEAR_TOP_PX) this.#older.request(this.#active);
    }, { passive: true });
    bindConversationKeys(this.#root, {
      conversations: () => [...this.#convs.values()], active: () => this.#active, select: (conv) => this.#select(conv),
    });
  }

  /** Sends what the composer holds; false when refused locally (the error is shown, the text stays). */
  #send(text) {
    const conv = this.#active;
    if (!conv) return false;
    const ref = conv.kind === 'room' ? this.#chat.say(conv.name, text) : this.#chat.whisper(conv.name, text);
    if (ref == null) return false;
    conv.addPending(ref, text, this.#me ?? 'me');
    this.#scrollToBottom();
    if (this.#chat.state !== 'open') this.#refreshBanner(); // count the new pending message now
    return true;
  }

  // ------------------------------------------------------------------ conversations

  #add(conv) {
    this.#convs.set(conv.key, conv);
    this.#el.logs.append(conv.list);
    (conv.kind === 'room' ? this.#el.rooms : this.#el.dms).append(conv.sidebarItem(() => this.#select(conv)));
    this.#el.dmHint.hidden = [...this.#convs.values()].some((c) => c.kind === 'dm');
    return conv;
  }

  #dm(user) {
    return this.#convs.get(`@${user}`) ?? this.#add(new Conversation({ key: `@${user}`, kind: 'dm', name: user }));
  }

  #close(conv) {
    if (!conv) return;
    if (conv.kind === 'room') this.#chat.leave(conv.name);
    conv.list.remove();
    conv.item.remove();
    this.#convs.delete(conv.key);
    this.#el.dmHint.hidden = [...this.#convs.values()].some((c) => c.kind === 'dm');
    if (conv.kind === 'room') this.#onRoomsChanged(this.rooms);
    if (this.#active === conv) {
      this.#active = null;
      const next = this.#convs.values().next().value;
      if (next) this.#select(next);
      else this.#renderActive();
    }
  }

  #select(conv) {
    if (this.#active && this.#active !== conv) {
      this.#active.list.hidden = true;
      this.#active.button.removeAttribute('aria-current');
      this.#reading.hidden(this.#active);
    }
    this.#active = conv;
    conv.list.hidden = false;
    conv.button.setAttribute('aria-current', 'true');
    this.#reading.shown(conv);
    this.#renderActive();
    this.#scrollToBottom();
  }

  #stopTyping(conv, user) {
    if (conv.stopTyping(user) && conv === this.#active) this.#renderTyping();
  }

  // ------------------------------------------------------------------ rendering

  #renderActive() {
    const conv = this.#active;
    const { title, sub, leave, input } = this.#el;
    title.textContent = conv ? conv.title : 'No conversation';
    if (conv?.kind === 'dm') title.dataset.user = conv.name;
    else delete title.dataset.user;
    sub.textContent = conv ? conv.status : 'Join a room to start.';
    leave.hidden = !conv;
    leave.textContent = conv?.kind === 'dm' ? 'Close' : 'Leave';
    leave.setAttribute('aria-label', conv ? (conv.kind === 'dm' ? `Close ${conv.title}` : `Leave ${conv.title}`) : 'Leave');
    input.disabled = !conv || conv.refused;
    input.placeholder = conv ? `Message ${conv.title}` : '';
    this.#renderMembers();
    this.#renderTyping();
    this.#older.render(conv);
  }

  #renderMembers() {
    renderMembers(this.#el.members, this.#el.memberCount, this.#active, this.#me, (user) => this.openDm(user));
  }

  #renderTyping() {
    this.#el.typing.textContent = typingText(this.#active ? [...this.#active.typing.keys()] : []);
  }

  /** Runs a change to a log and keeps the view pinned to the bottom if it was there. */
  #atBottomThen(conv, change, force = false) {
    const s = this.#el.scroller;
    const pinned = force || s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
    change();
    if (conv === this.#active && pinned) this.#scrollToBottom();
  }

  #scrollToBottom() {
    this.#el.scroller.scrollTop = this.#el.scroller.scrollHeight;
  }
}
