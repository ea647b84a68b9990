// What one can do to a message of a room (chat 1.1): edit or delete one's own (inline editor, a
// confirm step), react to any (a small picker; a reaction chip toggles). One listener on the logs
// container finds the message by its <li> (data-id) and its room by the log it is in. Nothing is
// shown as done before the server's echo: the item says "saving…" until its state changes.

import { h } from './dom.js';
import { renderBusy } from './message-item.js';

export const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

export class MessageActions {
  #chat;
  #logs;
  #busy = new Map(); // ref -> li waiting for its echo

  /** onDone: called after an editor or picker closes (the composer takes the focus back). */
  constructor(chat, logs, { onDone = () => {} } = {}) {
    this.#chat = chat;
    this.#logs = logs;
    this.onDone = onDone;
    logs.addEventListener('click', (event) => this.#click(event));
    logs.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && event.target.closest('.reaction-picker, .delete-confirm')) this.#closeExtras(true);
    });
    chat.on('error', (e) => { if (e.ref != null) this.#settled(e.ref); });
    for (const type of ['edited', 'deleted', 'reaction']) chat.on(type, (e) => { if (e.ref != null) this.#settled(e.ref); });
  }

  /** Opens the inline editor on one's own message (the Up arrow in an empty composer, or ✎). */
  edit(li) {
    if (!li || li.dataset.deleted || !li.dataset.mine || li.querySelector('.editor')) return;
    this.#closeExtras(false);
    const text = li.querySelector('.text');
    const input = h('textarea', { class: 'edit-input', rows: String(Math.min(6, text.textContent.split('\n').length)),
      'aria-label': 'Edit your message', maxlength: String(this.#chat.connection.welcome?.limits?.maxTextChars ?? 4000),
      dataset: { testid: 'edit-input' } });
    input.value = text.textContent;
    const close = () => { form.remove(); text.hidden = false; this.onDone(); };
    const save = () => {
      const next = input.value.trim();
      if (next && next !== text.textContent) this.#send(li, 'saving…', (room, id) => this.#chat.edit(room, id, next));
      close();
    };
    const form = h('form', { class: 'editor', dataset: { testid: 'editor' } }, input,
      h('div', { class: 'editor-buttons' },
        h('span', { class: 'muted small' }, 'Enter saves, Escape cancels'),
        h('button', { type: 'button', class: 'ghost small', dataset: { testid: 'edit-cancel' }, onclick: close }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary small', dataset: { testid: 'edit-save' } }, 'Save')));
    form.addEventListener('submit', (event) => { event.preventDefault(); save(); });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); save(); }
      if (event.key === 'Escape') { event.preventDefault(); close(); }
    });
    text.hidden = true;
    text.after(form);
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  #click(event) {
    const button = event.target.closest('[data-action]');
    const li = button?.closest('li.msg');
    if (!button || !li || !this.#logs.contains(li)) return;
    const action = button.dataset.action;
    if (action === 'edit') this.edit(li);
    else if (action === 'delete') this.#confirmDelete(li);
    else if (action === 'delete-confirm') {
      this.#closeExtras(false);
      this.#send(li, 'deleting…', (room, id) => this.#chat.remove(room, id));
    } else if (action === 'delete-cancel') this.#closeExtras(true);
    else if (action === 'react') this.#picker(li);
    else if (action === 'pick' || action === 'toggle-reaction') {
      this.#closeExtras(false);
      this.#send(li, '', (room, id) => this.#chat.react(room, id, button.dataset.emoji));
    }
  }

  #confirmDelete(li) {
    this.#closeExtras(false);
    const keep = h('button', { type: 'button', class: 'ghost small', dataset: { action: 'delete-cancel', testid: 'message-delete-cancel' } }, 'Keep');
    li.querySelector('.bubble').append(h('div', { class: 'delete-confirm', role: 'group', 'aria-label': 'Delete this message?' },
      h('span', { class: 'small' }, 'Delete this message for everyone?'),
      h('button', { type: 'button', class: 'danger small', dataset: { action: 'delete-confirm', testid: 'message-delete-confirm' } }, 'Delete'),
      keep));
    keep.focus();
  }

  #picker(li) {
    const open = li.querySelector('.reaction-picker');
    this.#closeExtras(false);
    if (open) return; // the button toggles it
    const picker = h('div', { class: 'reaction-picker', role: 'group', 'aria-label': 'Pick a reaction', dataset: { testid: 'reaction-picker' } },
      REACTIONS.map((emoji) => h('button', {
        type: 'button', class: 'icon-button', 'aria-label': `React with ${emoji}`,
        dataset: { action: 'pick', emoji, testid: 'reaction-option' },
      }, emoji)));
    li.querySelector('.bubble').append(picker);
    picker.querySelector('button').focus();
  }

  /** Closes an open picker or delete confirmation (only one is open at a time). */
  #closeExtras(refocus) {
    for (const el of this.#logs.querySelectorAll('.reaction-picker, .delete-confirm')) el.remove();
    if (refocus) this.onDone();
  }

  #send(li, busyText, request) {
    const room = li.closest('[data-conversation]')?.dataset.conversation;
    const ref = request(room, li.dataset.id);
    if (ref == null) return; // refused locally: the error is shown
    if (busyText) renderBusy(li, busyText);
    this.#busy.set(ref, li);
    this.onDone();
  }

  #settled(ref) {
    const li = this.#busy.get(ref);
    if (!li) return;
    this.#busy.delete(ref);
    renderBusy(li, '');
  }
}
