// The member list of the conversation on screen, and the line saying who is typing. Names go in as
// text only (h() uses textContent).

import { h, clear, hueClass } from './dom.js';

/** Fills `list` with the members of `conv` (a room's members, or the two people of a private one). */
export function renderMembers(list, count, conv, me, onWhisper) {
  clear(list);
  if (!conv) { count.textContent = ''; return; }
  const users = conv.kind === 'room' ? [...conv.members.keys()] : [conv.name, me].filter(Boolean);
  users.sort((a, b) => (a === me ? -1 : b === me ? 1 : a.localeCompare(b)));
  count.textContent = `(${users.length})`;
  for (const user of users) {
    const isMe = user === me;
    list.append(h('li', { class: 'member', dataset: { testid: 'member', user } },
      h('span', { class: `avatar small ${hueClass(user)}`, 'aria-hidden': 'true' }, [...user][0]?.toUpperCase() ?? '?'),
      h('span', { class: 'member-name' }, user),
      isMe ? h('span', { class: 'muted small' }, '(you)') : null,
      isMe || conv.kind === 'dm' ? null : h('button', {
        type: 'button', class: 'icon-button', title: `Private message to ${user}`,
        'aria-label': `Private message to ${user}`, dataset: { testid: `whisper-${user}` },
        onclick: () => onWhisper(user),
      }, '✉')));
  }
}

export function typingText(names) {
  return names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`;
}
