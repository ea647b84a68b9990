// A scripted stand-in for the browser's WebSocket: the test plays the server.

export class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static instances = [];

  constructor(url, protocol) {
    this.url = url;
    this.protocol = protocol;
    this.readyState = FakeWebSocket.CONNECTING;
    this.sent = [];
    this.closedWith = null;
    FakeWebSocket.instances.push(this);
  }

  static get last() {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  static reset() {
    FakeWebSocket.instances = [];
  }

  send(text) {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('not open');
    this.sent.push(JSON.parse(text));
  }

  close(code, reason) {
    this.closedWith = { code, reason };
    this.readyState = FakeWebSocket.CLOSING;
  }

  // --- the server's side
  serverOpen() {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({});
  }

  serverSend(...objects) {
    this.onmessage?.({ data: objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') });
  }

  serverClose(code, reason = '') {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: code !== 1006 });
  }

  /** The server's answer to a request: `frame` with the request's ref echoed, as Switchboard's server does. */
  reply(request, frame) {
    this.serverSend({ ...frame, ref: request.ref });
  }

  sentOfType(type) {
    return this.sent.filter((f) => f.type === type);
  }

  lastOfType(type) {
    return this.sentOfType(type).at(-1);
  }
}

export const welcome = (extra = {}) => ({ type: 'welcome', user: 'ann', session: 's1', protocol: 'switchboard.v1',
  heartbeatMs: 25000, limits: { maxMessageBytes: 65536, maxTextChars: 4000 }, ...extra });

export function installFakes() {
  globalThis.WebSocket = FakeWebSocket;
  globalThis.location = { href: 'http://localhost:18080/switchboard/index.html', protocol: 'http:' };
}
