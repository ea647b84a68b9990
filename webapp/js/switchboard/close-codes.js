// Close codes of PROTOCOL.md and what the client does about each.

export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  ABNORMAL: 1006, // set by the browser: no close frame (network down, server killed)
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  SLOW_CONSUMER: 4001,
  NO_HEARTBEAT: 4002,
  UNAUTHORIZED: 4401,
  TOO_MANY_CONNECTIONS: 4429,
  /** An administrator closed the connection: do not reconnect by yourself (docs/admin.md). */
  CLOSED_BY_ADMIN: 4500,
});

// Codes this client uses when it closes a socket itself (browsers allow 1000 and 3000-4999).
export const ClientCloseCode = Object.freeze({
  CLOSED_BY_APP: 1000,
  PAGE_HIDDEN: 1000,
  /** No open within connectTimeoutMs, or no answer to a ping within pongTimeoutMs (like the server's 4002). */
  NO_ANSWER: 4002,
});

const DO_NOT_RECONNECT = new Set([
  CloseCode.UNSUPPORTED_DATA,
  CloseCode.INVALID_PAYLOAD,
  CloseCode.POLICY_VIOLATION,
  CloseCode.MESSAGE_TOO_BIG,
]);

/**
 * 'reconnect', 'token' (get a new token first, then reconnect) or 'stop'.
 * 4000-4499 mean "reconnect is fine"; 4500-4999 are reserved for "do not reconnect".
 */
export function closeAction(code) {
  if (code === CloseCode.UNAUTHORIZED) return 'token';
  if (DO_NOT_RECONNECT.has(code)) return 'stop';
  if (code >= 4500 && code <= 4999) return 'stop';
  return 'reconnect';
}
