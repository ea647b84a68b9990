// Type declarations of the Switchboard browser client (switchboard.js), one .d.ts beside each module
// in switchboard/; wire frames in switchboard/frames.d.ts. Checked by src/test/ts (tsc --strict).

export { defaults } from './switchboard/defaults.js';
export type { ClientOptions, ResolvedOptions } from './switchboard/defaults.js';
export { Emitter } from './switchboard/emitter.js';
export { Backoff } from './switchboard/backoff.js';
export { CloseCode, closeAction } from './switchboard/close-codes.js';
export type { CloseAction } from './switchboard/close-codes.js';
export { Connection, State, endpointUrl, parseFrame } from './switchboard/connection.js';
export type { StateName, StateEvent, OpenEvent, CloseEvent, ConnectionEvents, SendResult } from './switchboard/connection.js';
export { Positions } from './switchboard/positions.js';
export { Channel, ChannelState, TRANSIENT_ERRORS } from './switchboard/channel.js';
export type { ChannelStateName, ChannelStateChange } from './switchboard/channel.js';
export { Offline, Push, Requests, requestKind } from './switchboard/requests.js';
export type { OfflineRule, RequestKind, PushStatus } from './switchboard/requests.js';
export { ChannelClient } from './switchboard/channels.js';
export type { ChannelStateEvent, RefusedEvent, ChannelSpec, SyncResult } from './switchboard/channels.js';
export { ChatClient, ChatRequests } from './switchboard/chat.js';
export type { ChatEvents, JoinedEvent, MessageChangedEvent, UnreadEvent, WithState } from './switchboard/chat.js';
export { NotificationClient, NotificationRequests } from './switchboard/notifications.js';
export type { NotificationEvents, SubscribedEvent, SubscribeOptions } from './switchboard/notifications.js';
export { MessageStore, applyEvent } from './switchboard/messages.js';
export type { StoredMessage } from './switchboard/messages.js';
export { ReadPositions } from './switchboard/reads.js';
export { Whispers } from './switchboard/whispers.js';
export type { WhisperStatus } from './switchboard/whispers.js';
export { parseIdentity, displayName, isGuest } from './switchboard/identity.js';
export type * from './switchboard/frames.js';
