// Unit tests of webapp/js/switchboard.js without a browser, part 1: the connection (rooms and topics are
// in channels.test.mjs). `node --test src/test/js/` (Node 20+, no dependencies). The server is played by
// FakeWebSocket; time by node:test's mock timers.

import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, installFakes, welcome } from './fake-websocket.mjs';

installFakes();
const sb = await import('../../../webapp/js/switchboard.js');
const { Backoff, Connection, State, endpointUrl, parseFrame, closeAction } = sb;

beforeEach(() => {
  FakeWebSocket.reset();
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
});
afterEach(() => mock.timers.reset());

test('endpoint URLs follow the page: ws/wss, context path, name and token', () => {
  assert.equal(endpointUrl('ws/chat', { base: 'http://h:1/switchboard/index.html', name: 'ann b' }),
    'ws://h:1/switchboard/ws/chat?name=ann+b');
  assert.equal(endpointUrl('ws/chat', { base: 'https://h/', token: 'a.b.c' }), 'wss://h/ws/chat?token=a.b.c');
  assert.equal(endpointUrl('ws/notifications'), 'ws://localhost:18080/switchboard/ws/notifications');
});

test('a server frame holding several objects is split on newlines', () => {
  const { objects, bad } = parseFrame('{"type":"a"}\n{"type":"b"}\n\nnot json\n{"no":"type"}');
  assert.deepEqual(objects.map((o) => o.type), ['a', 'b']);
  assert.equal(bad.length, 2);
});

test('backoff is full jitter under a doubling ceiling, capped, and resets', () => {
  const top = new Backoff({ minDelay: 500, maxDelay: 4000, random: () => 0.999999 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => top.next()), [499, 999, 1999, 3999, 3999]);
  top.reset();
  assert.equal(top.next(), 499);
  const bottom = new Backoff({ random: () => 0 });
  assert.equal(bottom.next(), 0);
});

test('close codes: policy codes and 4500-4999 stop, 4401 asks for a token, the rest reconnect', () => {
  for (const code of [1003, 1007, 1008, 1009, 4500, 4999]) assert.equal(closeAction(code), 'stop', code);
  assert.equal(closeAction(4401), 'token');
  for (const code of [1000, 1001, 1006, 1011, 4001, 4002, 4429, 4499]) assert.equal(closeAction(code), 'reconnect', code);
});

test('connects with the subprotocol and walks connecting → open → reconnecting → open', () => {
  const states = [];
  const c = new Connection('ws/chat', { name: 'ann', minReconnectDelay: 1000 });
  c.on('state', (s) => states.push(s.state));
  c.open();
  const first = FakeWebSocket.last;
  assert.equal(first.protocol, 'switchboard.v1');
  assert.equal(first.url, 'ws://localhost:18080/switchboard/ws/chat?name=ann');
  first.serverOpen();
  first.serverClose(1006);
  assert.equal(c.state, State.RECONNECTING);
  assert.ok(c.retryAt > Date.now() - 1 && c.retryAt <= Date.now() + 1000);
  mock.timers.tick(1000);
  assert.equal(FakeWebSocket.instances.length, 2);
  FakeWebSocket.last.serverOpen();
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
});

test('a policy close ends the connection for good', () => {
  const c = new Connection('ws/chat');
  c.open();
  FakeWebSocket.last.serverOpen();
  FakeWebSocket.last.serverClose(1008, 'origin not allowed');
  assert.equal(c.state, State.CLOSED);
  mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.instances.length, 1);
});

test('4401 calls the refreshToken hook and reconnects with the new token; without a hook it stops', async () => {
  const c = new Connection('ws/chat', { token: 'old', refreshToken: async () => 'new', minReconnectDelay: 10 });
  c.open();
  FakeWebSocket.last.serverClose(4401, 'expired');
  await new Promise((resolve) => setImmediate(resolve)); // let the hook's promise settle
  mock.timers.tick(10);
  assert.match(FakeWebSocket.last.url, /token=new$/);

  const d = new Connection('ws/chat', { token: 'old' });
  d.open();
  FakeWebSocket.last.serverClose(4401);
  assert.equal(d.state, State.CLOSED);
});

test('heartbeat: pings at the welcome interval and drops a connection that stays silent', () => {
  const c = new Connection('ws/chat', { pongTimeoutMs: 3000, minReconnectDelay: 1 });
  c.open();
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  ws.serverSend(welcome({ heartbeatMs: 1000 }));
  mock.timers.tick(1000);
  assert.equal(ws.sentOfType('ping').length, 1);
  ws.serverSend({ type: 'pong' });
  mock.timers.tick(1000);
  assert.equal(c.state, State.OPEN);
  mock.timers.tick(3000); // ping at 2000 never answered
  assert.equal(ws.closedWith?.code, 4002);
  assert.equal(c.state, State.RECONNECTING);
});

test('frames sent while offline are buffered and sent after reconnecting; typing is not', () => {
  const c = new Connection('ws/chat', { maxBuffered: 2, minReconnectDelay: 1 });
  c.open();
  assert.equal(c.send({ type: 'history', room: 'a' }), 'buffered');
  assert.equal(c.send({ type: 'typing', room: 'a' }, { buffer: false }), 'dropped');
  assert.equal(c.send({ type: 'history', room: 'b' }), 'buffered');
  assert.equal(c.send({ type: 'history', room: 'c' }), 'dropped');
  FakeWebSocket.last.serverOpen();
  assert.deepEqual(FakeWebSocket.last.sent.map((f) => f.room), ['a', 'b']);
});

test('a frame larger than maxMessageBytes is refused locally instead of getting a 1009', () => {
  const c = new Connection('ws/chat');
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  c.open();
  FakeWebSocket.last.serverOpen();
  FakeWebSocket.last.serverSend(welcome({ limits: { maxMessageBytes: 64 } }));
  assert.equal(c.send({ type: 'say', room: 'lobby', text: 'x'.repeat(100) }), 'dropped');
  assert.deepEqual(errors, ['too_long']);
});

test('closes on pagehide (back/forward cache) and opens again on pageshow', () => {
  globalThis.window = new EventTarget();
  try {
    const states = [];
    const c = new Connection('ws/chat');
    c.on('state', (s) => states.push(s.state));
    c.open();
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    window.dispatchEvent(new Event('pagehide'));
    assert.equal(ws.closedWith?.code, 1000);
    assert.equal(c.state, State.CLOSED);
    mock.timers.tick(60_000);
    assert.equal(FakeWebSocket.instances.length, 1, 'no reconnect while hidden');
    window.dispatchEvent(new Event('pageshow'));
    assert.equal(FakeWebSocket.instances.length, 2);
    FakeWebSocket.last.serverOpen();
    assert.deepEqual(states, ['connecting', 'open', 'closed', 'reconnecting', 'open']);
    c.close();
    window.dispatchEvent(new Event('pageshow'));
    assert.equal(FakeWebSocket.instances.length, 2, 'closed by the application stays closed');
  } finally {
    delete globalThis.window;
  }
});

test('a connection that never opens is abandoned after connectTimeoutMs and retried', () => {
  const c = new Connection('ws/chat', { connectTimeoutMs: 5000, minReconnectDelay: 1 });
  c.open();
  mock.timers.tick(5000);
  assert.equal(FakeWebSocket.instances[0].closedWith?.code, 4002);
  assert.equal(c.state, State.RECONNECTING);
  mock.timers.tick(1);
  assert.equal(FakeWebSocket.instances.length, 2);
});

test('the backoff grows while attempts fail and resets only after a connection that lasted', () => {
  const c = new Connection('ws/chat', { minReconnectDelay: 1000, maxReconnectDelay: 64_000 });
  const delays = [];
  c.on('state', (s) => { if (s.delay != null) delays.push(s.attempt); });
  c.open();
  for (let i = 0; i < 3; i++) {
    FakeWebSocket.last.serverClose(1006);
    mock.timers.tick(64_000);
  }
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  ws.serverSend(welcome());
  mock.timers.tick(5000); // a good connection
  ws.serverClose(1001);
  assert.deepEqual(delays, [1, 2, 3, 1]);
});

test('with a token, a handshake failing before open asks refreshToken (browsers hide HTTP 401)', async () => {
  const calls = [];
  const c = new Connection('ws/chat', { token: 't1', minReconnectDelay: 1,
    refreshToken: async (why) => { calls.push(why.beforeOpen); return 't2'; } });
  c.open();
  FakeWebSocket.last.serverClose(1006);
  await new Promise((resolve) => setImmediate(resolve));
  mock.timers.tick(1);
  assert.deepEqual(calls, [true]);
  assert.match(FakeWebSocket.last.url, /token=t2$/);
  FakeWebSocket.last.serverOpen();
  FakeWebSocket.last.serverClose(1006); // dropped after opening: a plain reconnect
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(calls, [true]);
  assert.equal(c.state, State.RECONNECTING);
});
