// Requests and their answers, like Phoenix's Push. Every request a client makes carries a ref of its
// own; the server echoes it in the reply (joined, left, history, subscribed, unsubscribed, pong), in
// an error, and, for say and whisper, in the stored message every member receives. A Push settles
// once: 'ok' (the reply), 'error' (an error frame, or a local one) or 'timeout'.
//
// Request kinds are declared once per client (ChatRequests, NotificationRequests): which frame types
// answer them and what happens to them while there is no open connection. A new request (chat 1.1:
// edit, delete, react, read) is one more line there, and then behaves like its neighbours.

/** What happens to a request while there is no open connection. */
export const Offline = Object.freeze({
  /**
   * Kept until the server answers it: sent once a connection is open, and again after every
   * reconnect while unanswered. Only for requests that are safe twice: the server stores a repeated
   * ref once (say, whisper; 1.1 edit, delete, react) or they only read (history).
   */
  KEEP: 'keep',
  /**
   * Only meaningful on the connection it was made on; not sent while offline, and settled with
   * 'disconnected' when that connection is lost (leave and unsubscribe: the server forgets a
   * connection's rooms and topics with it; typing).
   */
  DROP: 'drop',
  /** join / subscribe: owned by a channel, which sends it (with `since`) on every (re)connect. */
  CHANNEL: 'channel',
});

/**
 * One request kind.
 * - reply: server frame types that answer it (an `error` with its ref always does).
 * - echo: for a reply that is a broadcast carrying the author's ref to every member, the field that
 *   names the author: only the author's own copy confirms the request ('from').
 * - timeout: whether it gives up after requestTimeoutMs without an answer. Not for say/whisper: a
 *   late echo is still a success, and until it comes the message is "pending", not "failed".
 * - ref: false for fire-and-forget frames without an answer (typing); they get no ref and no Push.
 */
export function requestKind({ reply = [], echo = null, offline = Offline.DROP, timeout = true, ref = true } = {}) {
  return Object.freeze({ reply: Object.freeze([...reply]), echo, offline, timeout, ref });
}

export class Push {
  #status = null; // null while pending, then 'ok' | 'error' | 'timeout'
  #result;
  #hooks = [];
  #resolve;
  #reject;

  constructor(frame, kind) {
    this.frame = frame;
    this.kind = kind;
    this.ref = frame.ref ?? null;
    this.channel = null; // join/subscribe and leave/unsubscribe: the Channel it is for
    this.sent = false; // on the current connection
    this.timer = 0;
    /** Resolves with the reply; rejects with the error frame (code 'timeout' after a timeout). */
    this.promise = new Promise((resolve, reject) => { this.#resolve = resolve; this.#reject = reject; });
    this.promise.catch(() => {}); // a failure nobody awaits is reported by the 'error' event, not as unhandled
  }

  get status() { return this.#status; }

  /** Phoenix style: push.receive('ok', fn).receive('error', fn).receive('timeout', fn). */
  receive(status, fn) {
    if (this.#status === status) fn(this.#result);
    else if (this.#status === null) this.#hooks.push([status, fn]);
    return this;
  }

  /** For the client: settles once; later calls are ignored. */
  settle(status, result) {
    if (this.#status !== null) return;
    this.#status = status;
    this.#result = result;
    if (status === 'ok') this.#resolve(result);
    else this.#reject(result);
    for (const [wanted, fn] of this.#hooks.splice(0)) {
      if (wanted === status) {
        try { fn(result); } catch (e) { setTimeout(() => { throw e; }); }
      }
    }
  }
}

/** The requests of one client that wait for an answer, in the order they were made; refs and timers. */
export class Requests {
  #pending = new Map(); // ref -> Push (a Map keeps insertion order: resends go out as written)
  #prefix = randomId();
  #count = 0;
  #timeoutMs;
  #onTimeout;

  constructor({ timeoutMs, onTimeout }) {
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
  }

  /** Random per client + a counter: refs of different page loads never collide (the server de-duplicates by ref). */
  nextRef() {
    this.#count += 1;
    return `${this.#prefix}-${this.#count}`;
  }

  add(push) { this.#pending.set(push.ref, push); }
  values() { return [...this.#pending.values()]; }
  count(filter) { let n = 0; for (const p of this.#pending.values()) if (filter(p)) n += 1; return n; }

  /** Marks a push sent on the current connection and starts its timer (kinds with a timeout). */
  sent(push) {
    push.sent = true;
    clearTimeout(push.timer);
    if (push.kind.timeout) push.timer = setTimeout(() => this.#onTimeout(push), this.#timeoutMs());
  }

  /** The connection is gone: nothing is in flight any more. */
  unsent(push) {
    push.sent = false;
    clearTimeout(push.timer);
    push.timer = 0;
  }

  settle(push, status, result) {
    if (this.#pending.get(push.ref) === push) this.#pending.delete(push.ref);
    clearTimeout(push.timer);
    push.settle(status, result);
  }

  /**
   * The pending request a server frame answers: by its ref; an echo only in the author's own copy.
   * A reply without a ref (a server that does not echo refs: the base contract promises it for
   * errors only) answers the oldest sent request it can answer for the same room or topic (`key`).
   */
  match(frame, user, key) {
    if (frame.ref != null) {
      const push = this.#pending.get(frame.ref);
      if (!push) return null;
      if (frame.type === 'error') return push;
      if (!push.kind.reply.includes(frame.type)) return null;
      if (push.kind.echo && frame[push.kind.echo] !== user) return null;
      return push;
    }
    if (frame.type === 'error') return null;
    for (const push of this.#pending.values()) {
      if (push.sent && !push.kind.echo && push.kind.reply.includes(frame.type) && push.frame[key] === frame[key]) return push;
    }
    return null;
  }
}

function randomId() {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(36).padStart(2, '0')).join('').slice(0, 8);
}
