// Identities as the server writes them (PROTOCOL.md, "Identity"): an authenticated user is its plain
// name ("bob"); a guest lives in its own name space, "guest:" + the name ("guest:ann"), in
// welcome.user, from, presence, members and whisper `to` alike. Compare and address users by the
// full identity; show `name` (plus a guest mark where `guest`).

const GUEST_PREFIX = 'guest:';

/** {id, name, guest}: parseIdentity('guest:ann') → {id: 'guest:ann', name: 'ann', guest: true}. */
export function parseIdentity(user) {
  const id = String(user ?? '');
  const guest = id.startsWith(GUEST_PREFIX) && id.length > GUEST_PREFIX.length;
  return { id, name: guest ? id.slice(GUEST_PREFIX.length) : id, guest };
}

/** The name to show, without the guest prefix. */
export function displayName(user) {
  return parseIdentity(user).name;
}

export function isGuest(user) {
  return parseIdentity(user).guest;
}
