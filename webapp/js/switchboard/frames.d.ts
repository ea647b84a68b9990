// The wire frames of protocol switchboard.v1 (PROTOCOL.md), chat 1.1 included. Types only: there is
// no frames.js; import them with `import type`.

/** An identity as the server writes it: a user's name ("bob") or a guest's "guest:" + name ("guest:ann"). */
export type Identity = string;

/** `since` of a join or subscribe: the last offset seen in one history (epoch). */
export interface Since { offset: number; epoch: string }

export type ErrorCode = 'bad_json' | 'unknown_type' | 'invalid' | 'too_long' | 'rate_limited' | 'forbidden'
  | 'not_joined' | 'not_found' | 'unavailable'
  /** Found by the client itself (local: true). */
  | 'timeout' | 'buffer_full' | 'offline' | 'bad_frame' | 'cancelled' | 'disconnected';

// ------------------------------------------------------------------------------------ client → server

export interface JoinFrame { type: 'join'; room: string; since?: Since; ref?: string }
export interface LeaveFrame { type: 'leave'; room: string; ref?: string }
export interface SayFrame { type: 'say'; room: string; text: string; ref?: string }
export interface TypingRequest { type: 'typing'; room: string }
export interface WhisperRequest { type: 'whisper'; to: Identity; text: string; ref?: string }
export interface HistoryRequest { type: 'history'; room: string; before?: number; limit?: number; ref?: string }
export interface EditRequest { type: 'edit'; room: string; id: string; text: string; ref?: string }
export interface DeleteRequest { type: 'delete'; room: string; id: string; ref?: string }
export interface ReactRequest { type: 'react'; room: string; id: string; emoji: string; ref?: string }
export interface ReadRequest { type: 'read'; room: string; offset: number }
export interface SeenRequest { type: 'seen'; whisper: string }
export interface SubscribeFrame { type: 'subscribe'; topic: string; since?: Since; snapshot?: boolean; ref?: string }
export interface UnsubscribeFrame { type: 'unsubscribe'; topic: string; ref?: string }
export interface PingFrame { type: 'ping' }

/** What ChatClient.request() takes (join belongs to a channel: use join()). */
export type ChatRequestFrame = LeaveFrame | SayFrame | TypingRequest | WhisperRequest | HistoryRequest
  | EditRequest | DeleteRequest | ReactRequest | ReadRequest | SeenRequest;
/** What NotificationClient.request() takes (subscribe belongs to a channel: use subscribe()). */
export type NotificationRequestFrame = UnsubscribeFrame;
export type ClientFrame = ChatRequestFrame | JoinFrame | SubscribeFrame | UnsubscribeFrame | PingFrame;

// ------------------------------------------------------------------------------------ server → client

export interface Limits { maxMessageBytes?: number; maxTextChars?: number }
export interface WelcomeFrame {
  type: 'welcome'; user: Identity; session: string; protocol: string; heartbeatMs?: number; limits?: Limits;
  /** Guests only: the ticket that keeps the name on a reconnect (?guest=). */
  guest?: string;
}
export interface PongFrame { type: 'pong'; ref?: string }
export interface ErrorFrame {
  type: 'error'; code: ErrorCode | (string & {}); message?: string; ref?: string;
  /** Found by the client, not sent by the server. */
  local?: boolean;
  /** The request it answers, when the client knows it. */
  request?: ClientFrame;
  /** bad_frame: the unreadable line. */
  raw?: string;
}

/** Reactions of a message: emoji → identities, in the order they reacted. */
export type Reactions = Record<string, Identity[]>;

/** A stored chat message. In history pages (1.1) it is in its current state: edited, deleted, reactions. */
export interface MessageFrame {
  type: 'message'; room: string; offset: number; id: string; from: Identity;
  /** Absent when deleted. */
  text?: string;
  ts: string; ref?: string;
  /** Chat 1.1, history pages: when it was last edited. */
  edited?: string;
  /** Chat 1.1, history pages: deleted (no text). */
  deleted?: boolean;
  reactions?: Reactions;
  /** Set by the client: delivered by a re-join (missed while disconnected). */
  replayed?: boolean;
}
export interface EditedFrame { type: 'edited'; room: string; offset: number; id: string; from: Identity; text: string; ts: string; ref?: string; replayed?: boolean }
export interface DeletedFrame {
  type: 'deleted'; room: string; offset: number; id: string; from: Identity; ts: string; ref?: string; replayed?: boolean;
  /** Removed by an administrator (`from` is then "admin"): deletes the message whoever wrote it. */
  admin?: boolean;
}
export interface ReactionFrame { type: 'reaction'; room: string; offset: number; id: string; user: Identity; emoji: string; on: boolean; ts: string; ref?: string; replayed?: boolean }
/** A room's log entry: what a recovered joined replays, in offset order. */
export type LogEntry = MessageFrame | EditedFrame | DeletedFrame | ReactionFrame;

export interface Member { user: Identity }
export interface JoinedFrame {
  type: 'joined'; room: string; offset: number; epoch: string; recovered: boolean; members: Member[];
  /** The latest page (folded messages), or, answering a `since` with recovered: true, the missed log entries. */
  history: LogEntry[];
  ref?: string;
  /** Chat 1.1: this user's stored read position (0 when none). */
  read?: number;
  /** Chat 1.1: messages of others after it. */
  unread?: number;
}
export interface LeftFrame { type: 'left'; room: string; ref?: string }
export interface PresenceFrame { type: 'presence'; room: string; user: Identity; event: 'join' | 'leave' }
export interface TypingFrame { type: 'typing'; room: string; user: Identity }
export interface WhisperFrame { type: 'whisper'; id: string; from: Identity; to: Identity; text: string; ts: string; ref?: string }
export interface HistoryFrame { type: 'history'; room: string; messages: MessageFrame[]; ref?: string }
export interface ReadFrame { type: 'read'; room: string; offset: number }
export interface ReceiptFrame { type: 'receipt'; room: string; user: Identity; offset: number }
export interface DeliveredFrame { type: 'delivered'; whisper: string; to: Identity }
export interface SeenFrame { type: 'seen'; whisper: string; by: Identity }

export interface NotificationFrame {
  type: 'notification'; topic: string; offset: number;
  /**
   * The W3C traceparent the publisher gave (HTTP header `traceparent`, or its OpenTelemetry context), e.g.
   * "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"; absent when the notification is not traced.
   */
  trace?: string;
  ts: string; data: unknown; replayed?: boolean;
}
export interface SubscribedFrame {
  type: 'subscribed'; topic: string; offset: number; epoch: string; recovered: boolean;
  last?: NotificationFrame; history?: NotificationFrame[];
  /** Database topics with snapshot: true. */
  rows?: unknown[]; truncated?: boolean;
  ref?: string;
}
export interface UnsubscribedFrame { type: 'unsubscribed'; topic: string; ref?: string }

export type ChatServerFrame = WelcomeFrame | PongFrame | ErrorFrame | JoinedFrame | LeftFrame | MessageFrame
  | PresenceFrame | TypingFrame | WhisperFrame | HistoryFrame | EditedFrame | DeletedFrame | ReactionFrame
  | ReadFrame | ReceiptFrame | DeliveredFrame | SeenFrame;
export type NotificationServerFrame = WelcomeFrame | PongFrame | ErrorFrame | SubscribedFrame | NotificationFrame | UnsubscribedFrame;
export type ServerFrame = ChatServerFrame | NotificationServerFrame;
