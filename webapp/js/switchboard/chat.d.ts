import type { ClientOptions } from './defaults.js';
import type { ChannelClient, ChannelStateEvent, RefusedEvent } from './channels.js';
import type { Channel } from './channel.js';
import type { RequestKind } from './requests.js';
import type { ConnectionEvents } from './connection.js';
import type { StoredMessage } from './messages.js';
import type { WhisperStatus } from './whispers.js';
import type {
  ChatRequestFrame, ChatServerFrame, DeletedFrame, DeliveredFrame, EditedFrame, HistoryFrame, Identity, JoinedFrame,
  LeftFrame, MessageFrame, PresenceFrame, ReactionFrame, ReadFrame, ReceiptFrame, SeenFrame, TypingFrame,
  WhisperFrame,
} from './frames.js';

export declare const ChatRequests: Readonly<{
  join: RequestKind; leave: RequestKind; say: RequestKind; whisper: RequestKind; history: RequestKind; typing: RequestKind;
  edit: RequestKind; delete: RequestKind; react: RequestKind; read: RequestKind; seen: RequestKind;
}>;

/** 'joined': the server's answer plus what the client made of it. */
export interface JoinedEvent extends JoinedFrame {
  /** First join: the latest page not seen before; a re-join: [] (what was missed comes as events, replayed: true). */
  history: MessageFrame[];
  /** The server lost its history (new epoch). */
  epochChanged: boolean;
  /** Same history, but older than the server holds: some messages could not be recovered. */
  gap: boolean;
  /** A join again after a reconnect. */
  rejoin: boolean;
}

/** Log events (1.1) carry the stored message's state after them (undefined when it is not stored). */
export type WithState<F> = F & { message: StoredMessage | undefined };

export interface MessageChangedEvent {
  room: string;
  id: string;
  message: StoredMessage;
  /** What changed it: an edited/deleted/reaction event, or a newer history page (joined, history). */
  cause: EditedFrame | DeletedFrame | ReactionFrame | JoinedFrame | HistoryFrame;
}
export interface UnreadEvent { room: string; read: number; unread: number }

export interface ChatEvents extends ConnectionEvents {
  frame: ChatServerFrame;
  joined: JoinedEvent;
  left: LeftFrame;
  message: MessageFrame;
  presence: PresenceFrame;
  typing: TypingFrame;
  whisper: WhisperFrame;
  history: HistoryFrame;
  channelState: ChannelStateEvent;
  refused: RefusedEvent;
  edited: WithState<EditedFrame>;
  deleted: WithState<DeletedFrame>;
  reaction: WithState<ReactionFrame>;
  messageChanged: MessageChangedEvent;
  read: ReadFrame;
  unread: UnreadEvent;
  receipt: ReceiptFrame;
  delivered: DeliveredFrame & { status: WhisperStatus | undefined };
  seen: SeenFrame & { status: WhisperStatus | undefined };
}

/** The client of /ws/chat. */
export declare class ChatClient extends ChannelClient<ChatEvents, ChatRequestFrame> {
  constructor(options?: ClientOptions);
  /** Rooms in or joining. */
  readonly rooms: string[];
  join(room: string): Channel;
  leave(room: string): Channel | undefined;
  /** Returns the ref, null when refused locally (buffer_full). Kept while offline, sent once. */
  say(room: string, text: string): string | null;
  whisper(to: Identity, text: string): string | null;
  /** Chat 1.1. Kept and sent like say; confirmed by the `edited` echo. */
  edit(room: string, id: string, text: string): string | null;
  /** Chat 1.1: a `delete` request. */
  remove(room: string, id: string): string | null;
  /** Chat 1.1: toggles this user's reaction. */
  react(room: string, id: string, emoji: string): string | null;
  /** Chat 1.1: read up to `offset` (default: the newest offset seen); coalesced, offline only the highest is kept. */
  markRead(room: string, offset?: number): void;
  /** Chat 1.1: the recipient read whisper `id`. */
  seen(whisperId: string): void;
  typing(room: string): void;
  history(room: string, options?: { before?: number; limit?: number }): Promise<HistoryFrame>;
  /** The message store: a room's messages in their current state, oldest first. */
  messages(room: string): StoredMessage[];
  message(room: string, id: string): StoredMessage | undefined;
  readPosition(room: string): number;
  unread(room: string): number;
  receipts(room: string): Map<Identity, number>;
  whisperStatus(id: string): WhisperStatus | undefined;
  supportsV11(room: string): boolean;
}
