import type { Identity, Reactions, EditedFrame, DeletedFrame, ReactionFrame } from './frames.js';

/** A message in its current state, as history pages (1.1) show it. Read-only: each change makes a new object. */
export interface StoredMessage {
  readonly room: string;
  readonly offset: number;
  readonly id: string;
  readonly from: Identity;
  /** Absent when deleted. */
  readonly text?: string;
  readonly ts: string;
  readonly ref?: string;
  /** When it was last edited. */
  readonly edited?: string;
  readonly deleted?: boolean;
  readonly reactions?: Readonly<Reactions>;
}

/** The newest messages of each room in their current state (at most maxPerRoom per room). */
export declare class MessageStore {
  constructor(options?: { maxPerRoom?: number });
  list(room: string): StoredMessage[];
  get(room: string, id: string): StoredMessage | undefined;
  newest(room: string): number;
  complete(room: string, offset: number): boolean;
  countAfter(room: string, offset: number, user: Identity | null, upTo?: number): number;
  fold(room: string, messages: object[], options?: { coveredFrom?: number }): StoredMessage[];
  add(room: string, message: object): StoredMessage | undefined;
  coverFrom(room: string, offset: number): void;
  apply(room: string, event: EditedFrame | DeletedFrame | ReactionFrame): StoredMessage | undefined;
  clear(room: string): void;
}

/** The state after one edited / deleted / reaction event (the same object when nothing changes). */
export declare function applyEvent<M extends Omit<StoredMessage, 'room'>>(message: M, event: EditedFrame | DeletedFrame | ReactionFrame): M;
