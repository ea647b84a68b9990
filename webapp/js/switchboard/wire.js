// What goes over the wire, independent of any socket: the endpoint URL and the splitting of server
// frames (PROTOCOL.md, "Transport": several JSON objects may share one frame, separated by '\n').

/** ws(s) URL of an endpoint path resolved against base (default: the page's URL). */
export function endpointUrl(path, { base, name, token, guest } = {}) {
  const url = new URL(path, base ?? globalThis.location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (name) url.searchParams.set('name', name);
  if (token) url.searchParams.set('token', token);
  // The ticket from an earlier welcome: the server gives this guest its name back instead of a new one.
  if (guest && !token) url.searchParams.set('guest', guest);
  return url.href;
}

/** Splits one server frame: several JSON objects may arrive separated by '\n'. */
export function parseFrame(data) {
  const objects = [];
  const bad = [];
  for (const line of String(data).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const obj = JSON.parse(line);
      if (obj && typeof obj === 'object' && typeof obj.type === 'string') objects.push(obj);
      else bad.push(line);
    } catch {
      bad.push(line);
    }
  }
  return { objects, bad };
}
