// One message in a log (a room message or a whisper), built from its state as the chat client
// stores it (chat 1.1: text, edited, deleted, reactions) and updated in place when that state
// changes. Text only through textContent (h()); the buttons carry data-action for MessageActions.
//
//   li.msg [data-testid=message data-from data-offset data-id data-ts data-mine data-edited data-deleted]
//     .avatar  .bubble( .meta(from, time, "(edited)")  p.text  p.deleted-note  .reactions  .whisper-receipt )
//     .actions( react, edit, delete )         — room messages of a 1.1 server only; edit/delete on one's own

import { h, timeOf, dateTimeOf, hueClass, clear } from './dom.js';
import { person, initial, personText } from './people.js';

/** A message's <li>. `actions`: show the 1.1 buttons (react; edit and delete when `mine`). */
export function messageItem(m, { mine, me, actions = false }) {
  const who = m.from ?? '?';
  const li = h('li', {
    class: `msg${mine ? ' mine' : ''}`,
    dataset: { testid: 'message', from: who, offset: m.offset ?? '', id: m.id ?? '', ts: m.ts ?? '', ...(mine ? { mine: 'true' } : {}) },
  },
  h('span', { class: `avatar ${hueClass(who)}`, 'aria-hidden': 'true' }, initial(who)),
  h('div', { class: 'bubble' },
    h('div', { class: 'meta' },
      person(who, { className: `from ${hueClass(who)}`, testid: 'message-from' }),
      h('time', { datetime: m.ts ?? '', title: dateTimeOf(m.ts) }, timeOf(m.ts)),
      h('span', { class: 'edited-mark muted', hidden: true, dataset: { testid: 'message-edited' } }, '(edited)'),
      h('span', { class: 'busy-mark muted', hidden: true, dataset: { testid: 'message-busy' } })),
    h('p', { class: 'text', dataset: { testid: 'message-text' } }),
    h('p', { class: 'deleted-note muted', hidden: true, dataset: { testid: 'message-deleted' } }, 'This message was deleted.'),
    h('div', { class: 'reactions', hidden: true, dataset: { testid: 'reactions' } }),
    h('p', { class: 'whisper-receipt muted', hidden: true, dataset: { testid: 'whisper-receipt' } })),
  actions ? actionBar(mine, who) : null);
  renderState(li, m, me);
  return li;
}

function actionBar(mine, who) {
  const button = (action, label, text, testid) => h('button', {
    type: 'button', class: 'icon-button', title: label, 'aria-label': label, dataset: { action, testid },
  }, text);
  return h('div', { class: 'actions', dataset: { testid: 'message-actions' } },
    button('react', `Add a reaction to ${personText(who)}'s message`, '☺', 'message-react'),
    mine ? button('edit', 'Edit your message', '✎', 'message-edit') : null,
    mine ? button('delete', 'Delete your message', '🗑', 'message-delete') : null);
}

/** Updates an item to a new state: text, "(edited)", deleted, reactions. */
export function renderState(li, m, me) {
  const deleted = Boolean(m.deleted);
  const text = li.querySelector('.text');
  text.textContent = deleted ? '' : (m.text ?? '');
  text.hidden = deleted;
  li.querySelector('.deleted-note').hidden = !deleted;
  const mark = li.querySelector('.edited-mark');
  mark.hidden = !m.edited || deleted;
  mark.title = typeof m.edited === 'string' ? `Edited ${dateTimeOf(m.edited)}` : '';
  setFlag(li, 'edited', m.edited && !deleted ? String(m.edited) : null);
  setFlag(li, 'deleted', deleted ? 'true' : null);
  li.classList.toggle('deleted', deleted);
  const actions = li.querySelector('.actions');
  if (actions) actions.hidden = deleted;
  renderReactions(li.querySelector('.reactions'), deleted ? {} : m.reactions ?? {}, me);
}

function renderReactions(box, reactions, me) {
  clear(box);
  for (const [emoji, users] of Object.entries(reactions)) {
    if (!Array.isArray(users) || users.length === 0) continue;
    const mine = users.includes(me);
    box.append(h('button', {
      type: 'button', class: `reaction${mine ? ' mine' : ''}`, 'aria-pressed': String(mine),
      title: users.map(personText).join(', '),
      'aria-label': `${emoji} ${users.length}: ${users.map(personText).join(', ')}`,
      dataset: { testid: 'reaction', action: 'toggle-reaction', emoji, count: String(users.length) },
    }, h('span', { class: 'reaction-emoji' }, emoji), h('span', { class: 'reaction-count' }, String(users.length))));
  }
  box.hidden = box.childElementCount === 0;
}

/** Under one's own whisper: "Delivered" / "Seen" (data-receipt says which). */
export function renderWhisperReceipt(li, status) {
  const line = li.querySelector('.whisper-receipt');
  if (!line || !status) return;
  line.textContent = status === 'seen' ? 'Seen' : 'Delivered';
  line.dataset.receipt = status;
  line.hidden = false;
}

/** "saving…" / "deleting…" while an edit, delete or reaction waits for the server; '' to clear. */
export function renderBusy(li, text) {
  const mark = li.querySelector('.busy-mark');
  mark.textContent = text;
  mark.hidden = !text;
  setFlag(li, 'busy', text ? 'true' : null);
}

function setFlag(el, name, value) {
  if (value == null) delete el.dataset[name];
  else el.dataset[name] = value;
}
