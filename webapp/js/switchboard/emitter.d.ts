/** Listener maps: event name → payload. */
export type EventMap = object;

/** on(type, fn) returns a function that removes the listener; '*' receives (type, payload) for every event. */
export declare class Emitter<Events extends object = Record<string, unknown>> {
  on<K extends keyof Events & string>(type: K, fn: (payload: Events[K]) => void): () => void;
  on(type: '*', fn: (type: keyof Events & string, payload: Events[keyof Events]) => void): () => void;
  once<K extends keyof Events & string>(type: K, fn: (payload: Events[K]) => void): () => void;
  off<K extends keyof Events & string>(type: K, fn: (payload: Events[K]) => void): void;
  off(type: '*', fn: (type: keyof Events & string, payload: Events[keyof Events]) => void): void;
  emit<K extends keyof Events & string>(type: K, payload: Events[K]): void;
}
