// Paging back through a room's history. Each room has its own request on its way (or not) and its
// own failure: the answer to one room's request never changes another room's loading state, and a
// room that switched away meanwhile still gets its page (shown when it is selected again).

export class OlderPages {
  #chat;
  #el;
  #me;
  #isActive;

  /** el: {scroller, older (the button), start (the "beginning of the room" line)}. */
  constructor(chat, el, { me, isActive }) {
    this.#chat = chat;
    this.#el = el;
    this.#me = me;
    this.#isActive = isActive;
  }

  /** Asks for the page before the oldest message shown; after a failure only the button (retry) asks again. */
  request(conv, { retry = false } = {}) {
    if (!conv || conv.kind !== 'room' || !conv.joined || !conv.hasOlder || conv.loadingOlder || conv.oldest === null) return;
    if (this.#chat.state !== 'open' || (conv.olderError && !retry)) return;
    conv.loadingOlder = true;
    conv.olderError = null;
    this.render(conv);
    this.#chat.history(conv.name, { before: conv.oldest })
      .then((page) => this.#loaded(conv, page), (e) => this.#failed(conv, e));
  }

  /** The button and the "beginning" line, for the conversation on screen. */
  render(conv) {
    const { older, start } = this.#el;
    const isRoom = conv?.kind === 'room' && conv.joined;
    older.hidden = !(isRoom && conv.hasOlder);
    older.textContent = !isRoom ? 'Load older messages'
      : conv.loadingOlder ? 'Loading…'
        : conv.olderError ? `Older messages could not be loaded (${conv.olderError}): try again` : 'Load older messages';
    start.hidden = !(isRoom && !conv.hasOlder && conv.oldest !== null);
  }

  #loaded(conv, page) {
    conv.loadingOlder = false;
    if (!conv.list.isConnected) return; // closed meanwhile
    const messages = Array.isArray(page.messages) ? page.messages : [];
    const scroller = this.#el.scroller;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    for (const m of [...messages].sort((a, b) => b.offset - a.offset)) conv.add(m, { me: this.#me(), prepend: true });
    conv.hasOlder = messages.length > 0 && conv.oldest !== null && conv.oldest > 1;
    if (this.#isActive(conv)) {
      scroller.scrollTop = scroller.scrollHeight - fromBottom; // keep what the reader was looking at
      this.render(conv);
    }
  }

  #failed(conv, e) {
    conv.loadingOlder = false;
    conv.olderError = e.message || e.code;
    if (this.#isActive(conv)) this.render(conv);
  }
}
