import type { Since } from './frames.js';

/** Last offset/epoch per room or topic: `since` for a re-join, and the filter of what was seen. */
export declare class Positions {
  since(name: string): Since | undefined;
  /** True the first time an offset comes (and remembers it). */
  accept(name: string, offset: number | undefined): boolean;
  sync<T extends { offset?: number }>(name: string, answer: { offset?: number; epoch?: string; recovered?: boolean }, items?: T[]):
    { fresh: T[]; epochChanged: boolean; gap: boolean };
  delete(name: string): void;
}
