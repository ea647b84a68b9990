/** Every option of a client (see defaults.js for units and meaning); each overrides `defaults` for one client. */
export interface ClientOptions {
  /** What endpoint paths are resolved against; default: the page's URL. */
  base?: string | URL;
  chatPath?: string;
  notificationsPath?: string;
  /** Subprotocol offered. */
  protocol?: string;
  /** Guest name, sent as ?name=. */
  name?: string;
  /** JWT, sent as ?token=. */
  token?: string;
  /** A guest ticket (?guest=); set by the client from welcome.guest. */
  guest?: string;
  /** After 4401 (and a handshake refused before opening, with a token): a new token, or null to stay closed. */
  refreshToken?: (info: { code: number; reason: string; beforeOpen: boolean }) => string | null | undefined | Promise<string | null | undefined>;
  minReconnectDelay?: number;
  maxReconnectDelay?: number;
  reconnectFactor?: number;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxBuffered?: number;
  requestTimeoutMs?: number;
  typingThrottleMs?: number;
  historyLimit?: number;
  closeOnPageHide?: boolean;
  rememberedWhispers?: number;
  /** Chat 1.1: messages kept per room in the message store. */
  maxStoredMessages?: number;
  /** Chat 1.1: fewest ms between two `read` frames per room. */
  readThrottleMs?: number;
}

/** The options with their defaults filled in (base, name, token, refreshToken may stay undefined). */
export type ResolvedOptions = Required<Omit<ClientOptions, 'base' | 'name' | 'token' | 'guest' | 'refreshToken'>>
  & Pick<ClientOptions, 'base' | 'name' | 'token' | 'guest' | 'refreshToken'>;

export declare const defaults: ResolvedOptions;
