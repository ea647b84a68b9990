// Unit tests of webapp/js/switchboard.js, part 2: rooms and topics (channels), refs, replies matched to
// requests, recovery after reconnects. `node --test src/test/js/`. The server is played by
// FakeWebSocket (ws.reply echoes a request's ref, as Switchboard's server does); time by mock timers.

import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, installFakes, welcome } from './fake-websocket.mjs';

installFakes();
const { ChatClient, NotificationClient, ChannelState } = await import('../../../webapp/js/switchboard.js');

const msg = (offset, text = `m${offset}`, extra = {}) => ({ type: 'message', room: 'lobby', offset, id: `id${offset}`,
  from: 'bob', text, ts: '2026-11-21T10:15:30.123Z', ...extra });
const joined = (extra = {}) => ({ type: 'joined', room: 'lobby', offset: 0, epoch: 'E1', recovered: false,
  members: [], history: [], ...extra });
const note = (offset, topic = 'orders') => ({ type: 'notification', topic, offset, ts: 't', data: { n: offset } });
const subscribed = (extra = {}) => ({ type: 'subscribed', topic: 'orders', offset: 0, epoch: 'E', recovered: false, ...extra });

beforeEach(() => {
  FakeWebSocket.reset();
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
});
afterEach(() => mock.timers.reset());

/** A chat client asked into `rooms`, connected and welcomed; the joins are not answered yet. */
function chatIn(rooms = ['lobby'], options = {}) {
  const chat = new ChatClient({ name: 'ann', minReconnectDelay: 1, ...options });
  const seen = [];
  chat.on('message', (m) => seen.push(m.offset));
  chat.connect();
  for (const room of rooms) chat.join(room);
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  ws.serverSend(welcome());
  return { chat, seen, ws };
}

function liveOn(topics, options = {}) {
  const live = new NotificationClient({ minReconnectDelay: 1, ...options });
  const got = [];
  live.on('notification', (n) => got.push(n.offset));
  live.connect();
  for (const topic of topics) live.subscribe(topic);
  FakeWebSocket.last.serverOpen();
  return { live, got, ws: FakeWebSocket.last };
}

/** Loses the connection and opens the next one. */
function reconnect(code = 1006, delay = 100) {
  FakeWebSocket.last.serverClose(code);
  mock.timers.tick(delay);
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  ws.serverSend(welcome());
  return ws;
}

test('every request carries a ref of its own, and each reply goes to the request it answers', async () => {
  const { chat, ws } = chatIn(['lobby', 'dev']);
  const states = [];
  chat.on('channelState', (s) => states.push(`${s.room}:${s.state}`));
  const [joinLobby, joinDev] = ws.sentOfType('join');
  ws.reply(joinDev, joined({ room: 'dev' })); // answered in another order than asked
  assert.equal(chat.channel('dev').state, ChannelState.JOINED);
  assert.equal(chat.channel('lobby').state, ChannelState.JOINING);
  ws.reply(joinLobby, joined());

  const page = chat.history('lobby', { before: 5 });
  const asked = ws.lastOfType('history');
  assert.deepEqual(asked, { type: 'history', room: 'lobby', limit: 50, before: 5, ref: asked.ref });
  ws.reply(asked, { type: 'history', room: 'lobby', messages: [msg(3), msg(4)] });
  assert.deepEqual((await page).messages.map((m) => m.offset), [3, 4]);

  const dev = chat.leave('dev');
  assert.equal(dev.state, ChannelState.LEAVING);
  assert.deepEqual(chat.rooms, ['lobby']);
  ws.reply(ws.lastOfType('leave'), { type: 'left', room: 'dev' });
  assert.equal(dev.state, ChannelState.CLOSED);
  assert.deepEqual(states, ['dev:joined', 'lobby:joined', 'dev:leaving', 'dev:closed']);
  const refs = ws.sent.map((f) => f.ref);
  assert.ok(refs.every((r) => typeof r === 'string' && r.length <= 64), refs.join());
  assert.equal(new Set(refs).size, refs.length, 'all different');
});

test('a refused join leaves the rooms, is told once, and is not sent again after a reconnect', () => {
  const { chat, ws } = chatIn(['lobby', 'secret']);
  const refused = [];
  const errors = [];
  chat.on('refused', (r) => refused.push(r));
  chat.on('error', (e) => errors.push(e));
  const secret = chat.channel('secret');
  const [joinLobby, joinSecret] = ws.sentOfType('join');
  ws.reply(joinSecret, { type: 'error', code: 'forbidden', message: 'you may not join secret' });
  ws.reply(joinLobby, joined());

  assert.equal(secret.state, ChannelState.ERRORED);
  assert.equal(secret.final, true);
  assert.deepEqual(secret.error, { code: 'forbidden', message: 'you may not join secret' });
  assert.deepEqual(chat.rooms, ['lobby']);
  assert.equal(chat.channel('secret'), undefined);
  assert.deepEqual(refused.map((r) => [r.room, r.code, r.ref]), [['secret', 'forbidden', joinSecret.ref]]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].request.room, 'secret', 'the error says which request it refused');

  const ws2 = reconnect();
  assert.deepEqual(ws2.sentOfType('join').map((f) => f.room), ['lobby']);
  ws2.reply(ws2.lastOfType('join'), joined({ recovered: true }));
  mock.timers.tick(60_000);
  assert.deepEqual(ws2.sentOfType('join').map((f) => f.room), ['lobby'], 'no retry timer either');
  chat.join('secret'); // asking again is the application's decision
  assert.deepEqual(ws2.sentOfType('join').map((f) => f.room), ['lobby', 'secret']);
});

test('a refused subscribe (someone else\'s private topic) is not sent again either', () => {
  const { live, ws } = liveOn(['orders', 'user:bob']);
  const refused = [];
  live.on('refused', (r) => refused.push(r.topic));
  const [orders, bob] = ws.sentOfType('subscribe');
  ws.reply(bob, { type: 'error', code: 'forbidden', message: 'you may not subscribe to user:bob' });
  ws.reply(orders, subscribed());
  assert.deepEqual(refused, ['user:bob']);
  assert.deepEqual(live.topics, ['orders']);
  const ws2 = reconnect();
  assert.deepEqual(ws2.sentOfType('subscribe').map((f) => f.topic), ['orders']);
});

test('a join the server cannot serve now (unavailable) is tried again with backoff', () => {
  const { chat, ws } = chatIn(['lobby'], { minReconnectDelay: 1000 });
  const events = [];
  chat.on('channelState', (s) => events.push(s));
  ws.reply(ws.lastOfType('join'), { type: 'error', code: 'unavailable', message: 'try again' });
  const lobby = chat.channel('lobby');
  assert.equal(lobby.state, ChannelState.ERRORED);
  assert.equal(lobby.final, false);
  assert.ok(lobby.retryAt >= Date.now() && lobby.retryAt <= Date.now() + 1000, String(lobby.retryAt - Date.now()));
  assert.deepEqual(chat.rooms, ['lobby'], 'still wanted');
  mock.timers.tick(1000);
  assert.equal(ws.sentOfType('join').length, 2);
  ws.reply(ws.lastOfType('join'), joined());
  assert.equal(lobby.state, ChannelState.JOINED);
  assert.deepEqual(events.map((e) => [e.state, e.code, e.final]),
    [['errored', 'unavailable', false], ['joining', undefined, false], ['joined', undefined, false]]);
});

test('a join without an answer times out and is tried again; a late answer still counts', () => {
  const { chat, seen, ws } = chatIn(['lobby'], { requestTimeoutMs: 5000, minReconnectDelay: 1000 });
  const errors = [];
  chat.on('error', (e) => errors.push(e.code));
  const first = ws.lastOfType('join');
  mock.timers.tick(5000);
  const lobby = chat.channel('lobby');
  assert.equal(lobby.state, ChannelState.ERRORED);
  assert.equal(lobby.error.code, 'timeout');
  assert.deepEqual(errors, ['timeout']);
  mock.timers.tick(1000);
  const second = ws.lastOfType('join');
  assert.notEqual(second.ref, first.ref);
  // The first answer was only slow: the server says this connection is in the room, so it is.
  ws.reply(first, joined({ offset: 2, history: [msg(1), msg(2)] }));
  assert.equal(lobby.state, ChannelState.JOINED);
  ws.reply(second, joined({ offset: 2, history: [msg(1), msg(2)] }));
  ws.serverSend(msg(3));
  assert.deepEqual(seen, [3], 'nothing twice');
  mock.timers.tick(60_000);
  assert.equal(ws.sentOfType('join').length, 2);
});

test('a history error rejects only its own request: other rooms keep loading', async () => {
  const { chat, ws } = chatIn(['a', 'b']);
  for (const join of ws.sentOfType('join')) ws.reply(join, joined({ room: join.room }));
  const pageA = chat.history('a', { before: 10 });
  const pageB = chat.history('b', { before: 10 });
  const [askedA, askedB] = ws.sentOfType('history');
  ws.reply(askedA, { type: 'error', code: 'unavailable', message: 'history cannot be read right now; try again' });
  ws.reply(askedB, { type: 'history', room: 'b', messages: [msg(9, 'b9', { room: 'b' })] });
  await assert.rejects(pageA, (e) => e.code === 'unavailable' && e.request.room === 'a');
  assert.equal((await pageB).room, 'b');
  assert.equal(chat.channel('a').state, ChannelState.JOINED, 'a failed history request leaves the room as it was');
});

test('history: in flight when the connection drops it is asked again; offline it waits; unanswered it times out', async () => {
  const { chat, ws } = chatIn(['lobby'], { requestTimeoutMs: 5000 });
  ws.reply(ws.lastOfType('join'), joined({ offset: 60 }));
  const inFlight = chat.history('lobby', { before: 11 });
  const ws2 = reconnect();
  assert.deepEqual(ws2.sent.map((f) => f.type), ['join', 'history'], 'after the re-join');
  assert.equal(ws2.sent[1].ref, ws.lastOfType('history').ref);
  ws2.reply(ws2.sent[0], joined({ offset: 60, recovered: true }));
  ws2.reply(ws2.sent[1], { type: 'history', room: 'lobby', messages: [msg(10)] });
  assert.deepEqual((await inFlight).messages.map((m) => m.offset), [10]);

  ws2.serverClose(1006);
  const offline = chat.history('lobby', { before: 10 });
  const ws3 = reconnect();
  assert.deepEqual(ws3.sent.map((f) => f.type), ['join', 'history']);
  mock.timers.tick(5000);
  await assert.rejects(offline, (e) => e.code === 'timeout' && e.local === true);
});

test('leaving and joining a room again at once: answers to the old channel leave the new one alone', () => {
  const { chat, seen, ws } = chatIn(['lobby']);
  ws.reply(ws.lastOfType('join'), joined({ offset: 5, history: [msg(5)] }));
  const old = chat.leave('lobby');
  const fresh = chat.join('lobby');
  assert.notEqual(old, fresh);
  const joinAgain = ws.lastOfType('join');
  assert.equal(joinAgain.since, undefined, 'a new channel starts afresh');
  ws.serverSend(msg(6)); // still the old membership: not for the new channel
  ws.reply(ws.lastOfType('leave'), { type: 'left', room: 'lobby' });
  assert.equal(old.state, ChannelState.CLOSED);
  assert.equal(fresh.state, ChannelState.JOINING);
  const firstJoins = [];
  chat.on('joined', (j) => firstJoins.push(j.history.map((m) => m.offset)));
  ws.reply(joinAgain, joined({ offset: 6, history: [msg(5), msg(6)] }));
  assert.equal(fresh.state, ChannelState.JOINED);
  assert.deepEqual(firstJoins, [[5, 6]]);
  assert.deepEqual(seen, []);
});

test('leave while offline closes at once and sends nothing; say and history for that room are cancelled', async () => {
  const { chat, ws } = chatIn(['lobby']);
  ws.reply(ws.lastOfType('join'), joined());
  ws.serverClose(1006);
  chat.say('lobby', 'never mind');
  const page = chat.history('lobby');
  const lobby = chat.leave('lobby');
  assert.equal(lobby.state, ChannelState.CLOSED);
  assert.equal(chat.pending, 0);
  await assert.rejects(page, (e) => e.code === 'cancelled');
  const ws2 = reconnect();
  assert.deepEqual(ws2.sent, []);
});

test('unsubscribe carries a ref; the unsubscribed answer closes the topic', () => {
  const { live, got, ws } = liveOn(['orders']);
  ws.reply(ws.lastOfType('subscribe'), subscribed({ offset: 1, last: note(1) }));
  const events = [];
  live.on('unsubscribed', (u) => events.push(u));
  const orders = live.unsubscribe('orders');
  const asked = ws.lastOfType('unsubscribe');
  assert.deepEqual(asked, { type: 'unsubscribe', topic: 'orders', ref: asked.ref });
  assert.equal(orders.state, ChannelState.LEAVING);
  ws.serverSend(note(2)); // sent before the server saw the unsubscribe
  ws.reply(asked, { type: 'unsubscribed', topic: 'orders' });
  assert.equal(orders.state, ChannelState.CLOSED);
  assert.deepEqual(events.map((u) => u.ref), [asked.ref]);
  assert.deepEqual(got, []);
});

test('replies without a ref (a server that does not echo refs) are matched by room; errors without one touch nothing', async () => {
  const { chat, ws } = chatIn(['lobby']);
  const errors = [];
  chat.on('error', (e) => errors.push(e));
  ws.serverSend(joined());
  assert.equal(chat.channel('lobby').state, ChannelState.JOINED);
  const page = chat.history('lobby');
  ws.serverSend({ type: 'error', code: 'rate_limited', message: 'slow down' });
  ws.serverSend({ type: 'history', room: 'lobby', messages: [] });
  assert.equal((await page).room, 'lobby');
  assert.equal(chat.channel('lobby').state, ChannelState.JOINED);
  assert.deepEqual(errors.map((e) => [e.code, e.request]), [['rate_limited', undefined]]);
});

test('re-joins with since after a reconnect and shows every missed message exactly once', () => {
  const { chat, seen, ws } = chatIn(['lobby']);
  const join = ws.lastOfType('join');
  assert.deepEqual(ws.sent, [{ type: 'join', room: 'lobby', ref: join.ref }]);
  const events = [];
  chat.on('joined', (j) => events.push(j));
  ws.reply(join, joined({ offset: 2, members: [{ user: 'ann' }], history: [msg(1), msg(2)] }));
  assert.deepEqual(events[0].history.map((m) => m.offset), [1, 2]);
  ws.serverSend(msg(3), msg(3), msg(2)); // a duplicate and an old one in one frame
  assert.deepEqual(seen, [3]);

  const ws2 = reconnect(1001);
  const rejoin = ws2.sent[0];
  assert.deepEqual(rejoin, { type: 'join', room: 'lobby', ref: rejoin.ref, since: { offset: 3, epoch: 'E1' } });
  ws2.reply(rejoin, joined({ offset: 5, recovered: true, history: [msg(4), msg(5)] }));
  ws2.serverSend(msg(5), msg(6));
  assert.deepEqual(seen, [3, 4, 5, 6]);
  assert.equal(events[1].rejoin, true);
  assert.equal(events[1].gap, false);
});

test('a new epoch (history lost) resynchronises from the new history and reports it', () => {
  const { chat, seen, ws } = chatIn(['lobby']);
  const events = [];
  chat.on('joined', (j) => events.push(j));
  ws.reply(ws.lastOfType('join'), joined({ offset: 9, history: [msg(9)] }));
  const ws2 = reconnect();
  ws2.reply(ws2.sent[0], joined({ offset: 1, epoch: 'E2', history: [msg(1, 'after restart')] }));
  assert.equal(events[1].epochChanged, true);
  assert.deepEqual(seen, [1]);
});

test('a message said while offline is sent after the re-join, resent until echoed, never twice', () => {
  const { chat, ws } = chatIn(['lobby'], { maxBuffered: 1 });
  const errors = [];
  chat.on('error', (e) => errors.push(e.code));
  ws.reply(ws.lastOfType('join'), joined());
  ws.serverClose(1006);
  const ref = chat.say('lobby', 'written offline');
  assert.match(ref, /^[a-z0-9]+-\d+$/);
  assert.equal(chat.say('lobby', 'one too many'), null, 'maxBuffered');
  assert.deepEqual(errors, ['buffer_full']);
  mock.timers.tick(100);
  const ws2 = FakeWebSocket.last;
  ws2.serverOpen();
  assert.deepEqual(ws2.sent.map((f) => f.type), ['join', 'say']);
  const ws3 = reconnect(); // lost before the echo: sent again
  assert.deepEqual(ws3.sent.map((f) => f.type), ['join', 'say']);
  assert.equal(ws3.sent[1].ref, ref);
  assert.equal(chat.pending, 1);
  ws3.reply(ws3.sent[0], joined({ offset: 1, recovered: true, history: [msg(1, 'written offline', { from: 'ann', ref })] }));
  assert.equal(chat.pending, 0, 'the echo came with the recovered history');
});

test('the echo of a say confirms it only in the author\'s copy; a refused say is not sent again', () => {
  const { chat, ws } = chatIn(['lobby']);
  ws.reply(ws.lastOfType('join'), joined());
  const ref = chat.say('lobby', 'hello');
  ws.serverSend(msg(1, 'hello', { from: 'mallory', ref })); // someone else's message with that ref
  assert.equal(chat.pending, 1);
  ws.serverSend(msg(2, 'hello', { from: 'ann', ref }));
  assert.equal(chat.pending, 0);
  const tooLong = chat.say('lobby', 'x'.repeat(5000));
  ws.serverSend({ type: 'error', code: 'too_long', message: 'at most 4000 characters', ref: tooLong });
  assert.equal(chat.pending, 0);
  assert.deepEqual(reconnect().sentOfType('say'), []);
});

test('whispers replayed on connect are shown once (by id)', () => {
  const { chat, ws } = chatIn([]);
  const whispers = [];
  chat.on('whisper', (w) => whispers.push(w.id));
  const w = { type: 'whisper', id: 'w1', from: 'bob', to: 'ann', text: 'psst', ts: 't' };
  ws.serverSend(w, w);
  assert.deepEqual(whispers, ['w1']);
});

test('topics: replayed notifications after a recovered re-subscribe are not hidden by `last`', () => {
  const { got, ws } = liveOn(['orders']);
  ws.reply(ws.lastOfType('subscribe'), subscribed({ offset: 2, last: note(2) }));
  ws.serverSend(note(3));
  const ws2 = reconnect(4001);
  const again = ws2.sent[0];
  assert.deepEqual(again, { type: 'subscribe', topic: 'orders', ref: again.ref, since: { offset: 3, epoch: 'E' } });
  ws2.reply(again, subscribed({ offset: 5, recovered: true, last: note(5) }));
  ws2.serverSend(note(4), note(5), note(6));
  assert.deepEqual(got, [3, 4, 5, 6]);
});

test('topics: a re-subscribe that could not recover emits the fresh part of `history`', () => {
  const { got, ws } = liveOn(['orders']);
  ws.reply(ws.lastOfType('subscribe'), subscribed({ offset: 3, last: note(3) }));
  const ws2 = reconnect();
  ws2.reply(ws2.sent[0], subscribed({ offset: 60, last: note(60), history: [note(59), note(60)] }));
  assert.deepEqual(got, [59, 60]);
});

// A slow consumer whose pipe is full cannot be sent a close frame: the server ends the TCP connection and the
// browser reports 1006 instead of 4001 (docs/reliability.md). The client must recover from both the same way.
for (const code of [4001, 1006]) {
  test(`topics: dropped as a slow consumer (${code}) after being live: reconnect with since, recovered`, () => {
    const { live, got, ws } = liveOn(['orders']);
    const states = [];
    live.on('state', (s) => states.push(s.state));
    ws.serverSend(welcome());
    ws.reply(ws.lastOfType('subscribe'), subscribed({ offset: 2, last: note(2) }));
    ws.serverSend(note(3));
    mock.timers.tick(60_000); // it was up for a while, then overflowed
    const ws2 = reconnect(code);
    const again = ws2.sent[0];
    assert.deepEqual(again, { type: 'subscribe', topic: 'orders', ref: again.ref, since: { offset: 3, epoch: 'E' } });
    ws2.reply(again, subscribed({ offset: 6, recovered: true, last: note(6) }));
    ws2.serverSend(note(4), note(5), note(6));
    assert.deepEqual(got, [3, 4, 5, 6], 'nothing lost, nothing twice');
    // the countdown, the attempt, open: not final, the client reconnects by itself
    assert.deepEqual(states, ['reconnecting', 'reconnecting', 'open']);
    assert.equal(live.channel('orders').state, ChannelState.JOINED);
  });
}

test('database topics: subscribe with snapshot asks for the rows every time; rows are no notifications', () => {
  const live = new NotificationClient({ minReconnectDelay: 1 });
  const got = [];
  const answers = [];
  live.on('notification', (n) => got.push(n.offset));
  live.on('subscribed', (s) => answers.push(s));
  live.connect();
  live.subscribe('table:orders', { snapshot: true });
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  const first = ws.lastOfType('subscribe');
  assert.deepEqual(first, { type: 'subscribe', topic: 'table:orders', snapshot: true, ref: first.ref });
  const rows = [{ id: 1, item: 'tea' }, { id: 2, item: 'cake' }];
  ws.reply(first, subscribed({ topic: 'table:orders', offset: 7, rows, truncated: true, last: note(7, 'table:orders') }));
  assert.deepEqual(answers[0].rows, rows);
  assert.equal(answers[0].truncated, true);
  ws.serverSend(note(7, 'table:orders'), note(8, 'table:orders')); // 7 is in the rows already
  assert.deepEqual(got, [8]);

  const ws2 = reconnect();
  const again = ws2.sent[0];
  assert.equal(again.snapshot, true, 'the rows again after a reconnect');
  ws2.reply(again, subscribed({ topic: 'table:orders', offset: 12, rows: [rows[0]], last: note(12, 'table:orders') }));
  assert.equal(answers[1].resubscribe, true);
  assert.equal(answers[1].gap, false, 'the rows are the whole table: nothing is missing');
  assert.deepEqual(answers[1].rows, [rows[0]]);
  ws2.serverSend(note(11, 'table:orders'), note(12, 'table:orders'), note(13, 'table:orders'));
  assert.deepEqual(got, [8, 13], 'nothing at or before the offset, nothing replayed from `last`');
});
