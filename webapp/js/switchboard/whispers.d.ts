import type { WhisperFrame, DeliveredFrame, SeenFrame } from './frames.js';

export type WhisperStatus = 'delivered' | 'seen';

/** Whisper ids already shown, receipts of one's own whispers, and `seen` to send (all bounded). */
export declare class Whispers {
  constructor(options?: { remember?: number });
  first(whisper: Pick<WhisperFrame, 'id' | 'from'>): boolean;
  status(id: string): WhisperStatus | undefined;
  receipt(frame: DeliveredFrame | SeenFrame): boolean;
  wantSeen(id: string, me: string | null, canSend: boolean): boolean;
  flush(): string[];
}
