import type { MessageStore } from './messages.js';

/** Read positions and unread counts per room; coalesces `read` frames. */
export declare class ReadPositions {
  constructor(options: {
    store: MessageStore;
    me: () => string | null;
    throttleMs: () => number;
    canSend: (room: string) => boolean;
    send: (room: string, offset: number) => void;
    changed: (room: string, state: { read: number; unread: number }) => void;
  });
  position(room: string): number;
  unread(room: string): number;
  supported(room: string): boolean;
  joined(room: string, answer: { offset?: number; read?: number; unread?: number }, sync: { rejoin: boolean; epochChanged: boolean }): void;
  message(room: string, message: { offset: number; from: string }): void;
  mark(room: string, offset: number): void;
  serverRead(room: string, offset: number): void;
  flush(room: string): void;
  forget(room: string): void;
}
