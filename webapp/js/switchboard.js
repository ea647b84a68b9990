// Switchboard browser client (protocol switchboard.v1). An ES module with no build step: copy
// switchboard.js and the switchboard/ folder beside it into any page.
//
//   import { ChatClient, NotificationClient, defaults } from './js/switchboard.js';
//
//   const chat = new ChatClient({ name: 'ann' });          // ws(s)://<page dir>/ws/chat?name=ann
//   chat.on('state', ({ state, retryAt }) => …);           // connecting | open | reconnecting | closed
//   chat.on('message', (m) => …);                          // once per offset, also after reconnects
//   chat.connect().join('lobby');                          // a Channel: joining → joined (or errored)
//   chat.say('lobby', 'hello');                            // buffered while offline
//   chat.on('refused', ({ room, code }) => …);             // a join the server refused: not retried
//   chat.on('messageChanged', ({ message }) => …);         // 1.1: edited, deleted or reacted to
//   chat.on('unread', ({ room, unread }) => …);            // 1.1: markRead(room) when the user saw it
//
//   const live = new NotificationClient({ token });
//   live.on('notification', (n) => …);
//   live.connect().subscribe('orders');
//
// Paths resolve against the page (new URL('ws/chat', location.href)), so the same page works
// under /switchboard/ in a WAR and at / in the standalone runner; pass `base` to point elsewhere.

export { defaults } from './switchboard/defaults.js';
export { Emitter } from './switchboard/emitter.js';
export { Backoff } from './switchboard/backoff.js';
export { CloseCode, closeAction } from './switchboard/close-codes.js';
export { Connection, State, endpointUrl, parseFrame } from './switchboard/connection.js';
export { Positions } from './switchboard/positions.js';
export { Channel, ChannelState, TRANSIENT_ERRORS } from './switchboard/channel.js';
export { Offline, Push, Requests, requestKind } from './switchboard/requests.js';
export { ChannelClient } from './switchboard/channels.js';
export { ChatClient, ChatRequests } from './switchboard/chat.js';
export { NotificationClient, NotificationRequests } from './switchboard/notifications.js';
export { MessageStore, applyEvent } from './switchboard/messages.js';
export { ReadPositions } from './switchboard/reads.js';
export { Whispers } from './switchboard/whispers.js';
export { parseIdentity, displayName, isGuest } from './switchboard/identity.js';
