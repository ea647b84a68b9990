// What the reader has seen: unread badges, the "new messages" line, and telling the server.
//
// Rooms: the count is the chat client's (chat.unread: from the server's read position with a 1.1
// server, so it survives a reload and follows other devices; else what arrived since the join). A
// room on screen in a visible page is read up to its newest message (chat.markRead, which the client
// coalesces). When a room with unread messages comes on screen, a "new messages" line marks the first
// one; it stays until the reader switches away.
// Private conversations: counted here (whispers have no read position); a whisper from the other
// person that is on screen is reported `seen` once (chat.seen), and one's own show "Delivered"/"Seen".

import { renderWhisperReceipt } from './message-item.js';

export class Reading {
  #chat;
  #isActive;
  #me;

  /** isActive(conv): it is the conversation on screen; me(): this user's identity. */
  constructor(chat, { isActive, me, conversations }) {
    this.#chat = chat;
    this.#isActive = isActive;
    this.#me = me;
    chat.on('unread', ({ room, unread }) => {
      const conv = conversations().find((c) => c.kind === 'room' && c.name === room);
      if (!conv || conv.unread === unread) return;
      conv.unread = unread;
      conv.renderItem();
    });
    const receipt = (e) => {
      for (const conv of conversations()) {
        const li = conv.kind === 'dm' ? conv.itemOf(e.whisper) : null;
        if (li) renderWhisperReceipt(li, e.status);
      }
    };
    chat.on('delivered', receipt);
    chat.on('seen', receipt);
  }

  /** A conversation came on screen (selected, or the page became visible again). */
  shown(conv) {
    if (!conv || document.hidden) return;
    if (conv.kind === 'room') {
      const read = this.#chat.readPosition(conv.name);
      if (this.#chat.unread(conv.name) > 0 && !conv.newMarkerShown) conv.markNewAfter(read, this.#me());
      this.#chat.markRead(conv.name);
    } else {
      for (const li of conv.list.querySelectorAll('li.msg:not([data-mine]):not(.pending)')) this.#chat.seen(li.dataset.id);
      conv.unread = 0;
      conv.renderItem();
    }
  }

  /** The reader switched away: the next visit marks what is new then. */
  hidden(conv) {
    conv?.clearNewMarker();
  }

  /** A room's first page is shown: mark where unread begins if it is on screen. */
  joined(conv) {
    if (this.#isActive(conv)) this.shown(conv);
  }

  /** A message or whisper was added to `conv`. */
  arrived(conv, m) {
    const mine = m.from === this.#me();
    if (conv.kind === 'dm') {
      if (mine) {
        const li = conv.itemOf(m.id);
        if (li) renderWhisperReceipt(li, this.#chat.whisperStatus(m.id));
        return;
      }
      if (this.#isActive(conv) && !document.hidden) this.#chat.seen(m.id);
      else {
        conv.unread += 1;
        conv.renderItem();
      }
      return;
    }
    if (this.#isActive(conv) && !document.hidden) this.#chat.markRead(conv.name);
  }
}
