import type { ServerFrame } from './frames.js';

/** ws(s) URL of an endpoint path resolved against base (default: the page's URL). */
export declare function endpointUrl(path: string, options?: { base?: string | URL; name?: string; token?: string; guest?: string }): string;
/** Splits one server frame on '\n': the objects with a type, and the lines that were not. */
export declare function parseFrame(data: unknown): { objects: ServerFrame[]; bad: string[] };
