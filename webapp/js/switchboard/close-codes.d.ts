export declare const CloseCode: {
  readonly NORMAL: 1000; readonly GOING_AWAY: 1001; readonly UNSUPPORTED_DATA: 1003; readonly ABNORMAL: 1006;
  readonly INVALID_PAYLOAD: 1007; readonly POLICY_VIOLATION: 1008; readonly MESSAGE_TOO_BIG: 1009;
  readonly SERVER_ERROR: 1011; readonly SLOW_CONSUMER: 4001; readonly NO_HEARTBEAT: 4002;
  readonly UNAUTHORIZED: 4401; readonly TOO_MANY_CONNECTIONS: 4429;
  /** An administrator closed the connection: the client stays closed. */
  readonly CLOSED_BY_ADMIN: 4500;
};
/** Codes this client closes a socket with. */
export declare const ClientCloseCode: { readonly CLOSED_BY_APP: 1000; readonly PAGE_HIDDEN: 1000; readonly NO_ANSWER: 4002 };
export type CloseAction = 'reconnect' | 'token' | 'stop';
/** What a close code means for reconnecting. */
export declare function closeAction(code: number): CloseAction;
