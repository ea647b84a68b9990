// One room (chat) or topic (notifications) a client is asked to be in, with a state of its own, as
// Phoenix's Channel. The client that owns it moves it between states; the application listens.
//
//   join() ──► joining ──joined/subscribed──► joined ──leave()──► leaving ──left/unsubscribed──► closed
//               ▲   │  ◄───connection lost───────┘                   (offline, error or timeout: closed too)
//               │   └──error or timeout──► errored ──refused (forbidden, invalid, …): final, out of the client
//               └────retry timer (unavailable, rate_limited, timeout)──┘
//
// 'joining' means "wanted, and not confirmed on the current connection": a channel waits in it while
// the client is offline and is joined as soon as a connection opens. A refused channel ('errored',
// final) leaves its client: it is not joined again on reconnect; join() it again to retry.

import { Emitter } from './emitter.js';
import { Backoff } from './backoff.js';

export const ChannelState = Object.freeze({
  JOINING: 'joining',
  JOINED: 'joined',
  ERRORED: 'errored',
  LEAVING: 'leaving',
  CLOSED: 'closed',
});

/** Error codes after which a join/subscribe is tried again (with backoff): the server may say yes later. */
export const TRANSIENT_ERRORS = Object.freeze(['unavailable', 'rate_limited', 'timeout']);

export class Channel extends Emitter {
  #state = ChannelState.CLOSED;
  #error = null;
  #retryTimer = 0;
  #retryAt = 0;
  #backoff;
  /** Fields sent with every join of this channel besides its name (e.g. snapshot: true); set by its client. */
  joinFields = {};

  /** kind: 'room' | 'topic'; options: the client's (reconnect delays are reused for rejoin delays). */
  constructor(kind, name, options = {}) {
    super();
    this.kind = kind;
    this.name = name;
    this.#backoff = new Backoff({
      minDelay: options.minReconnectDelay,
      maxDelay: options.maxReconnectDelay,
      factor: options.reconnectFactor,
    });
  }

  get state() { return this.#state; }
  get joined() { return this.#state === ChannelState.JOINED; }
  /** The error ({code, message}) that made it 'errored'; null in other states. */
  get error() { return this.#error; }
  /** When the next join attempt is due (epoch ms) while errored with a retry; 0 otherwise. */
  get retryAt() { return this.#retryAt; }
  /** Out of its client for good (refused, or closed): never joined again by it; join() makes a new channel. */
  get final() { return this.#state === ChannelState.CLOSED || (this.#state === ChannelState.ERRORED && this.#retryAt === 0); }

  // -------------------------------------------------------------- for the client that owns it

  /**
   * Moves to `state` and emits 'state' {state, previous, code, message, retryAt, final}. Each error
   * is announced, also a second one in 'errored'; other states only when they change.
   */
  setState(state, { code, message, retryAt = 0 } = {}) {
    const previous = this.#state;
    if (previous === state && state !== ChannelState.ERRORED) return;
    this.#state = state;
    this.#error = state === ChannelState.ERRORED ? { code, message } : null;
    if (state !== ChannelState.ERRORED) this.cancelRetry();
    if (state === ChannelState.JOINED) this.#backoff.reset();
    this.#retryAt = retryAt;
    const event = { state, previous, retryAt };
    if (code !== undefined) Object.assign(event, { code, message });
    this.emit('state', { ...event, final: this.final });
  }

  /** Runs `join` after the next backoff delay; returns when (epoch ms). */
  retryLater(join) {
    this.cancelRetry();
    const delay = this.#backoff.next();
    this.#retryTimer = setTimeout(() => { this.#retryTimer = 0; join(); }, delay);
    return Date.now() + delay;
  }

  cancelRetry() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = 0;
    this.#retryAt = 0;
  }
}
