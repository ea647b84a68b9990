// One WebSocket to one Switchboard endpoint, kept open for as long as the application wants it:
// the state machine, reconnects with backoff, the app-level heartbeat, a send buffer while
// offline, and closing/reopening with the page's back/forward-cache lifecycle.
//
//   closed ──open()──► connecting ──socket open──► open ──socket lost──► reconnecting ─┐
//     ▲                    │                         ▲                       │ timer    │
//     └──close(), policy close code, pagehide ◄──────┴───────────────────────┴──────────┘
//
// Listeners get 'state' ({state, previous, code, reason, delay, retryAt}), 'open', 'close',
// 'frame' (every server object) and one event per frame type ('welcome', 'message', …).

import { Emitter } from './emitter.js';
import { Backoff } from './backoff.js';
import { defaults } from './defaults.js';
import { closeAction, ClientCloseCode } from './close-codes.js';
import { endpointUrl, parseFrame } from './wire.js';

export { endpointUrl, parseFrame }; // their home was this module; kept importable from here

export const State = Object.freeze({
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
});

const encoder = new TextEncoder();

export class Connection extends Emitter {
  #ws = null;
  #state = State.CLOSED;
  #wanted = false; // the application asked for an open connection
  #pageHidden = false; // closed by pagehide, to be reopened by pageshow
  #backoff;
  #buffer = [];
  #welcome = null;
  #welcomedAt = 0;
  #everOpened = false;
  #socketOpened = false; // the current socket got its 'open' event
  #timers = { retry: 0, connect: 0, ping: 0, pong: 0 };
  #retryAt = 0;

  constructor(path, options = {}) {
    super();
    this.path = path;
    this.options = { ...defaults, ...options };
    this.#backoff = new Backoff({
      minDelay: this.options.minReconnectDelay,
      maxDelay: this.options.maxReconnectDelay,
      factor: this.options.reconnectFactor,
    });
  }

  get state() { return this.#state; }
  /** The last welcome frame ({user, session, heartbeatMs, limits}), null before the first. */
  get welcome() { return this.#welcome; }
  get user() { return this.#welcome?.user ?? null; }
  /** When the next reconnect attempt is due (epoch ms), 0 when none is scheduled. */
  get retryAt() { return this.#retryAt; }
  get buffered() { return this.#buffer.length; }

  open() {
    if (this.#wanted && this.#state !== State.CLOSED) return this;
    this.#wanted = true;
    this.#pageHidden = false;
    this.#listenToPage(true);
    this.#connect(this.#everOpened ? State.RECONNECTING : State.CONNECTING);
    return this;
  }

  close() {
    this.#wanted = false;
    this.#listenToPage(false);
    this.#stopSocket(ClientCloseCode.CLOSED_BY_APP, 'closed by the application');
    this.#setState(State.CLOSED, { reason: 'closed by the application' });
    return this;
  }

  /** Skips the remaining backoff delay (e.g. a "Retry now" button, or the browser going online). */
  reconnectNow() {
    if (this.#wanted && !this.#pageHidden && this.#state === State.RECONNECTING && this.#timers.retry) {
      this.#clear('retry');
      this.#connect(State.RECONNECTING);
    }
  }

  /**
   * Sends one frame. While not open, frames are kept (up to maxBuffered) and sent, in order,
   * right after the next connection opened; pass {buffer: false} for frames that make no sense
   * later (typing, ping). Returns 'sent', 'buffered' or 'dropped'.
   */
  send(frame, { buffer = true } = {}) {
    if (this.#state === State.OPEN) return this.#transmit(frame) ? 'sent' : 'dropped';
    if (buffer && this.#wanted && this.#buffer.length < this.options.maxBuffered) {
      this.#buffer.push(frame);
      return 'buffered';
    }
    return 'dropped';
  }

  #transmit(frame) {
    const text = JSON.stringify(frame);
    const max = this.#welcome?.limits?.maxMessageBytes;
    // The server would close with 1009 (and this client must not reconnect then): refuse locally.
    if (max && encoder.encode(text).length > max) {
      this.#dispatch({ type: 'error', code: 'too_long', message: 'Message too large', ref: frame.ref, local: true });
      return false;
    }
    this.#ws.send(text);
    return true;
  }

  #connect(state) {
    this.#clear('retry');
    this.#retryAt = 0;
    this.#setState(state);
    let ws;
    try {
      ws = new WebSocket(endpointUrl(this.path, this.options), this.options.protocol);
    } catch (e) { // a malformed URL: retrying cannot help
      this.#wanted = false;
      this.#setState(State.CLOSED, { reason: String(e.message ?? e) });
      return;
    }
    this.#ws = ws;
    this.#timers.connect = setTimeout(() => this.#drop(ws, ClientCloseCode.NO_ANSWER, 'connect timeout'),
      this.options.connectTimeoutMs);
    // Events of a socket this connection has already given up are ignored (ws !== this.#ws).
    ws.onopen = () => { if (ws === this.#ws) this.#opened(); };
    ws.onmessage = (event) => { if (ws === this.#ws) this.#receive(event.data); };
    ws.onclose = (event) => { if (ws === this.#ws) this.#closed(event.code, event.reason); };
    ws.onerror = () => {}; // always followed by a close event
  }

  #opened() {
    this.#socketOpened = true;
    this.#clear('connect');
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#startHeartbeat(this.options.heartbeatMs);
    this.#setState(State.OPEN);
    this.emit('open', { reconnected });
    const buffered = this.#buffer.splice(0);
    for (const frame of buffered) {
      if (this.#state !== State.OPEN) { this.#buffer.push(frame); continue; }
      this.#transmit(frame);
    }
  }

  #receive(data) {
    this.#clear('pong'); // any frame proves the connection alive
    const { objects, bad } = parseFrame(data);
    for (const line of bad) {
      this.#dispatch({ type: 'error', code: 'bad_frame', message: 'Unreadable server frame', raw: line, local: true });
    }
    for (const frame of objects) {
      if (frame.type === 'welcome') this.#welcomed(frame);
      this.#dispatch(frame);
    }
  }

  /** Server frames, and errors found locally (marked local: true), reach listeners the same way. */
  #dispatch(frame) {
    this.emit('frame', frame);
    this.emit(frame.type, frame);
  }

  #welcomed(frame) {
    this.#welcome = frame;
    this.#welcomedAt = Date.now();
    if (frame.guest) this.options.guest = frame.guest;
    if (Number.isFinite(frame.heartbeatMs) && frame.heartbeatMs > 0) this.#startHeartbeat(frame.heartbeatMs);
  }

  // Browsers cannot send ping frames; {"type":"ping"} is answered with {"type":"pong"}. A ping
  // followed by silence for pongTimeoutMs means the network path is dead even if TCP has not
  // noticed yet: give up on that socket at once instead of waiting for the close handshake.
  #startHeartbeat(intervalMs) {
    this.#clear('ping');
    this.#timers.ping = setInterval(() => {
      if (this.#state !== State.OPEN) return;
      this.#ws.send('{"type":"ping"}');
      if (!this.#timers.pong) {
        const ws = this.#ws;
        this.#timers.pong = setTimeout(
          () => this.#drop(ws, ClientCloseCode.NO_ANSWER, 'heartbeat timeout'),
          this.options.pongTimeoutMs);
      }
    }, intervalMs);
  }

  /** Abandons a socket that stopped answering, and proceeds as if it had closed. */
  #drop(ws, code, reason) {
    if (ws !== this.#ws) return;
    this.#stopSocket(code, reason);
    this.#closed(code, reason);
  }

  #stopSocket(code, reason) {
    for (const name of ['connect', 'ping', 'pong', 'retry']) this.#clear(name);
    this.#retryAt = 0;
    const ws = this.#ws;
    this.#ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      try { ws.close(code, reason); } catch { /* already closing */ }
    }
  }

  #closed(code, reason) {
    const wasWelcomed = this.#welcomedAt;
    const wasOpen = this.#socketOpened;
    this.#socketOpened = false;
    this.#stopSocket(code, reason);
    this.#welcomedAt = 0;
    this.emit('close', { code, reason });
    if (!this.#wanted || this.#pageHidden) return;

    // "Reset after a good connection": one that was welcomed and stayed up for a while, so that a
    // server accepting and at once closing again is still retried with growing delays.
    if (wasWelcomed && Date.now() - wasWelcomed >= this.options.minReconnectDelay * 2) this.#backoff.reset();

    // A refused handshake (HTTP 401 before the upgrade) reaches a browser only as a close without
    // code (1006) before 'open': with a token, ask for a fresh one before trying again, as for 4401.
    const refusedBeforeOpen = !wasOpen && this.options.token && typeof this.options.refreshToken === 'function';
    const action = refusedBeforeOpen && closeAction(code) === 'reconnect' ? 'token' : closeAction(code);
    if (action === 'stop') {
      this.#wanted = false;
      this.#listenToPage(false);
      this.#setState(State.CLOSED, { code, reason, final: true });
    } else if (action === 'token' && typeof this.options.refreshToken === 'function') {
      this.#setState(State.RECONNECTING, { code, reason });
      Promise.resolve()
        .then(() => this.options.refreshToken({ code, reason, beforeOpen: !wasOpen }))
        .then((token) => {
          if (!this.#wanted || this.#state !== State.RECONNECTING) return;
          if (!token) throw new Error('no new token');
          this.options.token = token;
          this.#scheduleReconnect(code, reason);
        })
        .catch(() => this.#stopAfterAuthFailure(code, reason));
    } else if (action === 'token') {
      this.#stopAfterAuthFailure(code, reason);
    } else {
      this.#scheduleReconnect(code, reason);
    }
  }

  #stopAfterAuthFailure(code, reason) {
    this.#wanted = false;
    this.#listenToPage(false);
    this.#setState(State.CLOSED, { code, reason, final: true, unauthorized: true });
  }

  #scheduleReconnect(code, reason) {
    const delay = this.#backoff.next();
    this.#retryAt = Date.now() + delay;
    this.#timers.retry = setTimeout(() => {
      this.#timers.retry = 0;
      this.#connect(State.RECONNECTING);
    }, delay);
    this.#setState(State.RECONNECTING, { code, reason, delay, retryAt: this.#retryAt, attempt: this.#backoff.attempt });
  }

  #setState(state, details = {}) {
    const previous = this.#state;
    this.#state = state;
    // RECONNECTING is announced again with each new countdown; other states once.
    if (previous !== state || state === State.RECONNECTING) {
      this.emit('state', { state, previous, ...details });
    }
  }

  #clear(name) {
    clearTimeout(this.#timers[name]);
    clearInterval(this.#timers[name]);
    this.#timers[name] = 0;
  }

  // MDN: an open WebSocket keeps a page out of the back/forward cache; close it on pagehide and
  // open a new one on pageshow. 'online' skips the remaining backoff delay.
  #onPageHide = () => {
    if (!this.#wanted || !this.options.closeOnPageHide) return;
    this.#pageHidden = true;
    this.#stopSocket(ClientCloseCode.PAGE_HIDDEN, 'page hidden');
    this.#setState(State.CLOSED, { reason: 'page hidden' });
  };

  #onPageShow = () => {
    if (!this.#pageHidden) return;
    this.#pageHidden = false;
    if (this.#wanted) this.#connect(State.RECONNECTING);
  };

  #onOnline = () => this.reconnectNow();

  #listenToPage(on) {
    if (typeof window === 'undefined') return;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('pagehide', this.#onPageHide);
    window[method]('pageshow', this.#onPageShow);
    window[method]('online', this.#onOnline);
  }
}
