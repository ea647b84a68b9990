// The member list of the conversation on screen, and the line saying who is typing. Names go in as
// text only (h() uses textContent); guests show their name and a "guest" mark, and are addressed
// (data-user, whisper-<identity>) by their full identity.

import { h, clear, hueClass } from './dom.js';
import { person, initial, personText, displayName } from './people.js';

/** Fills `list` with the members of `conv` (a room's members, or the two people of a private one). */
export function renderMembers(list, count, conv, me, onWhisper) {
  clear(list);
  if (!conv) { count.textContent = ''; return; }
  const users = conv.kind === 'room' ? [...conv.members.keys()] : [conv.name, me].filter(Boolean);
  users.sort((a, b) => (a === me ? -1 : b === me ? 1 : displayName(a).localeCompare(displayName(b))));
  count.textContent = `(${users.length})`;
  for (const user of users) {
    const isMe = user === me;
    list.append(h('li', { class: 'member', dataset: { testid: 'member', user } },
      h('span', { class: `avatar small ${hueClass(user)}`, 'aria-hidden': 'true' }, initial(user)),
      person(user, { className: 'member-name' }),
      isMe ? h('span', { class: 'muted small' }, '(you)') : null,
      isMe || conv.kind === 'dm' ? null : h('button', {
        type: 'button', class: 'icon-button', title: `Private message to ${personText(user)}`,
        'aria-label': `Private message to ${personText(user)}`, dataset: { testid: `whisper-${user}` },
        onclick: () => onWhisper(user),
      }, '✉')));
  }
}

/** "ann is typing…" for identities (names shown without the guest prefix). */
export function typingText(users) {
  const names = users.map(displayName);
  return names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`;
}
