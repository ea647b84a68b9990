import type { Identity } from './frames.js';

/** parseIdentity('guest:ann') → {id: 'guest:ann', name: 'ann', guest: true}. */
export declare function parseIdentity(user: Identity | null | undefined): { id: Identity; name: string; guest: boolean };
/** The name to show, without the guest prefix. */
export declare function displayName(user: Identity | null | undefined): string;
export declare function isGuest(user: Identity | null | undefined): boolean;
