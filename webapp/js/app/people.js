// How users appear on the page. Identities come from the server: an authenticated user is its name
// ("bob"), a guest "guest:" + its name ("guest:ann"). A guest is shown by its name with a small
// "guest" mark, everywhere users appear; addressing (whispers, data-user) always uses the full identity.

import { h } from './dom.js';
import { parseIdentity, displayName } from '../switchboard.js';

export { displayName };

/** A name, with a "guest" badge for guests: <span class="person" data-user="guest:ann">ann <span>guest</span></span>. */
export function person(user, { className = '', testid } = {}) {
  const { id, name, guest } = parseIdentity(user);
  return h('span', { class: `person ${className}`.trim(), dataset: { user: id, ...(testid ? { testid } : {}) } },
    h('span', { class: 'person-name' }, name),
    guest ? guestBadge() : null);
}

export function guestBadge() {
  return h('span', { class: 'guest-badge', title: 'Guest: not signed in', dataset: { testid: 'guest-badge' } }, 'guest');
}

/** Plain text for labels and spoken text: "ann (guest)". */
export function personText(user) {
  const { name, guest } = parseIdentity(user);
  return guest ? `${name} (guest)` : name;
}

/** The first letter of the shown name, for avatars. */
export function initial(user) {
  return [...displayName(user)][0]?.toUpperCase() ?? '?';
}
