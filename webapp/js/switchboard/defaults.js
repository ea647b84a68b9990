// Every setting of the client, with its default and unit. Options passed to a client override these
// for that client; a page may also change this object once, before creating clients.

export const defaults = {
  /** Base the endpoint paths are resolved against; default: the page's own URL (location.href). */
  base: undefined,
  /** Endpoint paths, relative to base: works under /switchboard/ (WAR) and at / (standalone). */
  chatPath: 'ws/chat',
  notificationsPath: 'ws/notifications',
  /** WebSocket subprotocol offered. */
  protocol: 'switchboard.v1',
  /** Guest name sent as ?name= (the server decides the final, unique name). */
  name: undefined,
  /** Signed token sent as ?token=. */
  token: undefined,
  /**
   * async ({code, reason, beforeOpen}) => token | null. Called after a 4401 close, and, when a token
   * is set, after a connection that failed before opening (browsers hide an HTTP 401 refusal).
   * Return a new token (or the same one if it is still valid); null stays closed.
   */
  refreshToken: undefined,
  /** Reconnect delays, milliseconds (full jitter between 0 and the growing ceiling). */
  minReconnectDelay: 500,
  maxReconnectDelay: 20000,
  reconnectFactor: 2,
  /** Ping interval used until the server's welcome says otherwise (welcome.heartbeatMs), ms. */
  heartbeatMs: 25000,
  /** A ping not followed by any frame within this time means the connection is dead, ms. */
  pongTimeoutMs: 10000,
  /** How long connecting may take before the attempt is abandoned and retried, ms. */
  connectTimeoutMs: 10000,
  /** Requests kept while offline or unconfirmed (say, whisper, history); further ones are refused. */
  maxBuffered: 100,
  /**
   * A join, subscribe, leave, unsubscribe or history request without an answer after this long
   * fails with code 'timeout' (a join is then tried again with backoff), ms. say/whisper wait for
   * their echo without a limit.
   */
  requestTimeoutMs: 10000,
  /** Fewest milliseconds between two typing frames for one room. */
  typingThrottleMs: 2000,
  /** Page size asked for by history(). */
  historyLimit: 50,
  /** Close on pagehide (lets the page enter the back/forward cache) and reopen on pageshow. */
  closeOnPageHide: true,
  /** Whisper ids remembered to drop replays of whispers already shown (and for their receipts). */
  rememberedWhispers: 1000,
  /** Chat 1.1: messages kept per room in their current state (chat.messages(room)); the newest stay. */
  maxStoredMessages: 1000,
  /** Chat 1.1: fewest milliseconds between two `read` frames for one room (markRead coalesces). */
  readThrottleMs: 1000,
};
