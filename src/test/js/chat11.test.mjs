// Unit tests of webapp/js/switchboard.js, part 3: chat 1.1 (edit, delete, react, read positions, receipts,
// whisper receipts, the message store). `node --test src/test/js/`. The server is played by FakeWebSocket;
// time by mock timers.

import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWebSocket, installFakes, welcome } from './fake-websocket.mjs';

installFakes();
const { ChatClient, parseIdentity, displayName, isGuest } = await import('../../../webapp/js/switchboard.js');

const TS = '2026-11-21T10:15:30.123Z';
const msg = (offset, from = 'bob', extra = {}) => ({ type: 'message', room: 'lobby', offset, id: `id${offset}`,
  from, text: `m${offset}`, ts: TS, ...extra });
const edited = (offset, target, text, extra = {}) => ({ type: 'edited', room: 'lobby', offset, id: `id${target}`,
  from: 'bob', text, ts: 'T-edit', ...extra });
const deleted = (offset, target, extra = {}) => ({ type: 'deleted', room: 'lobby', offset, id: `id${target}`,
  from: 'bob', ts: 'T-del', ...extra });
const reaction = (offset, target, user, emoji, on = true, extra = {}) => ({ type: 'reaction', room: 'lobby', offset,
  id: `id${target}`, user, emoji, on, ts: 'T-r', ...extra });
const joined = (extra = {}) => ({ type: 'joined', room: 'lobby', offset: 0, epoch: 'E1', recovered: false,
  members: [], history: [], read: 0, unread: 0, ...extra });

beforeEach(() => {
  FakeWebSocket.reset();
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
});
afterEach(() => mock.timers.reset());

/** A chat client in lobby, welcomed as `user`, its join answered with `answer`; records every event. */
function inLobby(answer = joined(), { user = 'ann', ...options } = {}) {
  const chat = new ChatClient({ name: 'ann', minReconnectDelay: 1, ...options });
  const events = [];
  chat.on('*', (type, e) => { if (!['frame', 'state', 'open', 'close', 'channelState', 'welcome'].includes(type)) events.push([type, e]); });
  chat.connect();
  chat.join('lobby');
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  ws.serverSend(welcome({ user }));
  ws.reply(ws.lastOfType('join'), answer);
  return { chat, ws, events, of: (type) => events.filter(([t]) => t === type).map(([, e]) => e) };
}

function reconnect(user = 'ann') {
  FakeWebSocket.last.serverClose(1006);
  mock.timers.tick(100);
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  ws.serverSend(welcome({ user }));
  return ws;
}

test('edit, remove and react send their frames with refs and are confirmed by their echo in the author\'s copy', () => {
  const { chat, ws, of } = inLobby(joined({ offset: 1, history: [msg(1, 'ann')] }));
  const e = chat.edit('lobby', 'id1', 'better words');
  const d = chat.remove('lobby', 'id1');
  const r = chat.react('lobby', 'id1', '👍');
  assert.deepEqual(ws.sent.slice(1), [
    { type: 'edit', room: 'lobby', id: 'id1', text: 'better words', ref: e },
    { type: 'delete', room: 'lobby', id: 'id1', ref: d },
    { type: 'react', room: 'lobby', id: 'id1', emoji: '👍', ref: r },
  ]);
  assert.equal(chat.pending, 3);
  ws.serverSend(reaction(2, 1, 'mallory', '👍', true, { ref: r })); // someone else's, with that ref: not the echo
  assert.equal(chat.pending, 3);
  ws.serverSend(edited(3, 1, 'better words', { from: 'ann', ref: e }), reaction(4, 1, 'ann', '👍', true, { ref: r }));
  assert.equal(chat.pending, 1);
  ws.serverSend({ type: 'error', code: 'forbidden', message: 'only the author may delete', ref: d });
  assert.equal(chat.pending, 0);
  assert.deepEqual(of('error').map((x) => [x.code, x.request.type]), [['forbidden', 'delete']]);
  assert.deepEqual(reconnect().sent.map((f) => f.type), ['join'], 'nothing sent twice');
});

test('edits, deletes and reactions made offline are kept, sent once after the re-join, and resent until echoed', () => {
  const { chat, ws } = inLobby(joined({ offset: 1, history: [msg(1, 'ann')] }));
  ws.serverClose(1006);
  const refs = [chat.edit('lobby', 'id1', 'offline edit'), chat.react('lobby', 'id1', '🎉'), chat.remove('lobby', 'id1')];
  assert.ok(refs.every((ref) => typeof ref === 'string'));
  mock.timers.tick(100);
  const ws2 = FakeWebSocket.last;
  ws2.serverOpen();
  assert.deepEqual(ws2.sent.map((f) => f.type), ['join', 'edit', 'react', 'delete'], 'after the re-join, in order');
  const ws3 = reconnect();
  assert.deepEqual(ws3.sent.map((f) => f.ref), [ws3.sent[0].ref, ...refs], 'the same refs again: the server stores each once');
  ws3.reply(ws3.sent[0], joined({ offset: 4, recovered: true, history: [
    edited(2, 1, 'offline edit', { from: 'ann', ref: refs[0] }),
    reaction(3, 1, 'ann', '🎉', true, { ref: refs[1] }),
    deleted(4, 1, { from: 'ann', ref: refs[2] }),
  ] }));
  assert.equal(chat.pending, 0, 'confirmed by the recovered replay');
  assert.equal(chat.remove('lobby', 'idX') !== null, true);
  chat.leave('lobby');
  assert.equal(chat.pending, 0, 'a room left cancels what waits for it');
});

test('log events update the stored message and are emitted once per offset', () => {
  const { chat, ws, of } = inLobby(joined({ offset: 2, history: [msg(1), msg(2)] }));
  ws.serverSend(edited(3, 1, 'fixed'), edited(3, 1, 'fixed'), reaction(4, 2, 'cy', '👍'), reaction(5, 2, 'ann', '👍'));
  ws.serverSend(reaction(4, 2, 'cy', '👍'), reaction(6, 2, 'cy', '👍', false), deleted(7, 1), msg(2));
  assert.deepEqual(of('edited').map((e) => e.offset), [3]);
  assert.deepEqual(of('reaction').map((e) => e.offset), [4, 5, 6]);
  assert.deepEqual(of('deleted').map((e) => [e.offset, e.message.deleted, 'text' in e.message]), [[7, true, false]]);
  assert.deepEqual(chat.messages('lobby').map(({ offset, text, edited: at, deleted: gone, reactions }) => ({ offset, text, at, gone, reactions })), [
    { offset: 1, text: undefined, at: 'T-edit', gone: true, reactions: undefined },
    { offset: 2, text: 'm2', at: undefined, gone: undefined, reactions: { '👍': ['ann'] } },
  ]);
  assert.deepEqual(of('messageChanged').map((c) => [c.id, c.cause.type]),
    [['id1', 'edited'], ['id2', 'reaction'], ['id2', 'reaction'], ['id2', 'reaction'], ['id1', 'deleted']]);
  ws.serverSend(edited(8, 99, 'not stored'));
  assert.equal(of('edited').at(-1).message, undefined, 'emitted, without a stored state');
});

test('history pages are folded: a first join and older pages show messages in their current state', async () => {
  const { chat, ws, of } = inLobby(joined({ offset: 60, history: [
    msg(51, 'bob', { edited: 'T1', text: 'new text' }), msg(55, 'cy', { deleted: true, text: undefined }),
    msg(58, 'bob', { reactions: { '👍': ['bob', 'cy'] } }),
  ] }));
  assert.deepEqual(of('joined')[0].history.map((m) => m.offset), [51, 55, 58]);
  assert.deepEqual(chat.message('lobby', 'id51'),
    { room: 'lobby', offset: 51, id: 'id51', from: 'bob', text: 'new text', ts: TS, edited: 'T1' });
  assert.equal(chat.message('lobby', 'id55').deleted, true);
  const page = chat.history('lobby', { before: 51, limit: 2 });
  ws.reply(ws.lastOfType('history'), { type: 'history', room: 'lobby', messages: [msg(49, 'bob', { reactions: { '🎉': ['ann'] } }), msg(50)] });
  await page;
  assert.deepEqual(chat.messages('lobby').map((m) => m.offset), [49, 50, 51, 55, 58]);
  assert.deepEqual(chat.message('lobby', 'id49').reactions, { '🎉': ['ann'] });
  ws.serverSend(reaction(61, 49, 'bob', '🎉'));
  assert.deepEqual(chat.message('lobby', 'id49').reactions, { '🎉': ['ann', 'bob'] }, 'events apply to older pages too');
  assert.equal(of('messageChanged').length, 1);
});

test('a recovered re-join replays messages, edits, deletes and reactions in offset order, each once', () => {
  const { chat, ws, events } = inLobby(joined({ offset: 2, history: [msg(1), msg(2)] }));
  ws.serverSend(msg(3));
  const ws2 = reconnect();
  assert.deepEqual(ws2.sent[0].since, { offset: 3, epoch: 'E1' });
  events.length = 0;
  ws2.reply(ws2.sent[0], joined({ offset: 8, recovered: true, read: 3, unread: 2, history: [
    msg(3), edited(4, 1, 'edited while away'), msg(5), reaction(6, 5, 'cy', '❤️'), deleted(7, 3), msg(8, 'ann'),
  ] }));
  ws2.serverSend(deleted(7, 3), msg(9)); // a duplicate, then live again
  const seen = events.filter(([t]) => ['message', 'edited', 'deleted', 'reaction'].includes(t)).map(([t, e]) => `${t}:${e.offset}${e.replayed ? 'r' : ''}`);
  assert.deepEqual(seen, ['edited:4r', 'message:5r', 'reaction:6r', 'deleted:7r', 'message:8r', 'message:9']);
  assert.deepEqual(chat.messages('lobby').map((m) => [m.offset, m.text ?? '(deleted)']),
    [[1, 'edited while away'], [2, 'm2'], [3, '(deleted)'], [5, 'm5'], [8, 'm8'], [9, 'm9']]);
  assert.deepEqual(chat.message('lobby', 'id5').reactions, { '❤️': ['cy'] });
  assert.equal(chat.unread('lobby'), 3, 'the joined count (the replayed 5 is in it already) plus the live 9');
});

test('a re-join that could not recover folds the new page over what was stored', () => {
  const { chat, ws, of } = inLobby(joined({ offset: 2, history: [msg(1), msg(2)] }));
  const ws2 = reconnect();
  ws2.reply(ws2.sent[0], joined({ offset: 40, history: [msg(2, 'bob', { text: 'changed meanwhile', edited: 'T' }), msg(40)] }));
  assert.equal(chat.message('lobby', 'id2').text, 'changed meanwhile');
  assert.deepEqual(of('messageChanged').map((c) => [c.id, c.cause.type]), [['id2', 'joined']]);
  assert.deepEqual(of('message').map((m) => [m.offset, m.replayed]), [[40, true]]);
  assert.equal(of('joined')[1].gap, true);
});

test('unread: from the joined answer, plus messages of others, recounted when read moves; read is coalesced', () => {
  const { chat, ws, of } = inLobby(joined({ offset: 5, read: 3, unread: 1, history: [msg(3), msg(4, 'ann'), msg(5)] }),
    { readThrottleMs: 1000 });
  assert.equal(chat.readPosition('lobby'), 3);
  assert.equal(chat.unread('lobby'), 1);
  ws.serverSend(msg(6), msg(7, 'ann'), msg(8));
  assert.equal(chat.unread('lobby'), 3);
  chat.markRead('lobby', 6);
  assert.equal(chat.unread('lobby'), 1);
  assert.deepEqual(ws.sentOfType('read'), [{ type: 'read', room: 'lobby', offset: 6 }]);
  chat.markRead('lobby', 7);
  chat.markRead('lobby'); // the newest offset seen: 8
  chat.markRead('lobby', 4); // lower: nothing
  assert.equal(chat.unread('lobby'), 0);
  assert.equal(ws.sentOfType('read').length, 1, 'at most one per readThrottleMs');
  mock.timers.tick(1000);
  assert.deepEqual(ws.sentOfType('read').map((r) => r.offset), [6, 8], 'then the highest only');
  mock.timers.tick(5000);
  assert.equal(ws.sentOfType('read').length, 2);
  assert.deepEqual(of('unread').map((u) => [u.read, u.unread]), [[3, 1], [3, 2], [3, 3], [6, 1], [7, 1], [8, 0]]);
});

test('read from another device moves the position and the count; a lower one changes nothing', () => {
  const { chat, ws, of } = inLobby(joined({ offset: 4, read: 0, unread: 4, history: [msg(1), msg(2), msg(3), msg(4)] }));
  ws.serverSend({ type: 'read', room: 'lobby', offset: 3 });
  assert.equal(chat.unread('lobby'), 1);
  ws.serverSend({ type: 'read', room: 'lobby', offset: 2 });
  assert.equal(chat.readPosition('lobby'), 3);
  chat.markRead('lobby', 3);
  assert.deepEqual(ws.sentOfType('read'), [], 'the server has it already');
  assert.deepEqual(of('read').map((r) => r.offset), [3, 2]);
});

test('markRead offline keeps only the highest and sends it after the re-join, unless the server has it', () => {
  const { chat, ws } = inLobby(joined({ offset: 10, read: 2, unread: 8 }));
  ws.serverClose(1006);
  chat.markRead('lobby', 7);
  chat.markRead('lobby', 9);
  chat.markRead('lobby', 8);
  mock.timers.tick(100);
  const ws2 = FakeWebSocket.last;
  ws2.serverOpen();
  ws2.serverSend(welcome());
  assert.deepEqual(ws2.sent.map((f) => f.type), ['join'], 'not before the room is joined again');
  ws2.reply(ws2.sent[0], joined({ offset: 10, recovered: true, read: 2, unread: 8 }));
  assert.deepEqual(ws2.sentOfType('read'), [{ type: 'read', room: 'lobby', offset: 9 }]);

  ws2.serverClose(1006);
  chat.markRead('lobby', 10);
  const ws3 = reconnect();
  ws3.reply(ws3.sent[0], joined({ offset: 12, recovered: true, read: 11, unread: 1 })); // another device read further
  assert.deepEqual(ws3.sentOfType('read'), []);
  assert.equal(chat.unread('lobby'), 1);
});

test('a 1.0 server: no read or seen frames, unread counts only what arrives after the join, unknown frames ignored', () => {
  const { chat, ws, of } = inLobby({ type: 'joined', room: 'lobby', offset: 5, epoch: 'E', recovered: false, members: [],
    history: [msg(4), msg(5)] });
  assert.equal(chat.supportsV11('lobby'), false);
  assert.equal(chat.unread('lobby'), 0);
  ws.serverSend(msg(6), { type: 'something-new', room: 'lobby' });
  assert.equal(chat.unread('lobby'), 1);
  chat.markRead('lobby');
  assert.equal(chat.unread('lobby'), 0);
  ws.serverSend({ type: 'whisper', id: 'w1', from: 'bob', to: 'ann', text: 'psst', ts: TS });
  chat.seen('w1');
  mock.timers.tick(10_000);
  assert.deepEqual(ws.sent.map((f) => f.type), ['join']);
  assert.deepEqual(of('error'), []);
});

test('receipts: the newest offset per member is kept', () => {
  const { chat, ws, of } = inLobby();
  ws.serverSend({ type: 'receipt', room: 'lobby', user: 'bob', offset: 5 }, { type: 'receipt', room: 'lobby', user: 'guest:cy', offset: 7 });
  ws.serverSend({ type: 'receipt', room: 'lobby', user: 'bob', offset: 4 }, { type: 'receipt', room: 'lobby', user: 'bob', offset: 9 });
  assert.deepEqual([...chat.receipts('lobby')], [['guest:cy', 7], ['bob', 9]]);
  assert.deepEqual(of('receipt').map((r) => r.offset), [5, 7, 9]);
  chat.leave('lobby');
  assert.equal(chat.receipts('lobby').size, 0);
});

test('whispers: delivered then seen reach the sender; seen is sent once per id, offline after the next connect', () => {
  const { chat, ws, of } = inLobby();
  const mine = { type: 'whisper', id: 'w1', from: 'ann', to: 'guest:bob', text: 'hi', ts: TS };
  const theirs = { type: 'whisper', id: 'w2', from: 'guest:bob', to: 'ann', text: 'yo', ts: TS };
  ws.serverSend(mine, theirs);
  ws.serverSend({ type: 'seen', whisper: 'w1', by: 'guest:bob' }, { type: 'delivered', whisper: 'w1', to: 'guest:bob' });
  assert.equal(chat.whisperStatus('w1'), 'seen', 'seen is final: a late delivered does not undo it');
  assert.deepEqual(of('seen').map((s) => s.status), ['seen']);
  chat.seen('w1'); // one's own whisper: nothing
  chat.seen('w2');
  chat.seen('w2');
  assert.deepEqual(ws.sentOfType('seen'), [{ type: 'seen', whisper: 'w2' }]);

  ws.serverClose(1006);
  chat.seen('w3');
  mock.timers.tick(100);
  const ws2 = FakeWebSocket.last;
  ws2.serverOpen();
  ws2.serverSend(welcome());
  assert.deepEqual(ws2.sentOfType('seen'), [], 'not before the server is known to speak 1.1');
  ws2.reply(ws2.sent[0], joined({ recovered: true }));
  assert.deepEqual(ws2.sentOfType('seen'), [{ type: 'seen', whisper: 'w3' }]);
});

test('the store keeps at most maxStoredMessages per room, the newest', () => {
  const { chat, ws } = inLobby(joined({ offset: 2, history: [msg(1), msg(2)] }), { maxStoredMessages: 3 });
  ws.serverSend(msg(3), msg(4), msg(5));
  assert.deepEqual(chat.messages('lobby').map((m) => m.offset), [3, 4, 5]);
  chat.leave('lobby');
  assert.deepEqual(chat.messages('lobby'), []);
});

test('guest identities: shown by name, marked as guests, addressed in full', () => {
  assert.deepEqual(parseIdentity('guest:ann'), { id: 'guest:ann', name: 'ann', guest: true });
  assert.deepEqual(parseIdentity('bob'), { id: 'bob', name: 'bob', guest: false });
  assert.equal(displayName('guest:ann-2'), 'ann-2');
  assert.equal(isGuest('guest:'), false, 'the prefix alone is no guest name');
  const { chat, ws } = inLobby(joined(), { user: 'guest:ann' });
  chat.whisper('guest:bob', 'psst');
  assert.equal(ws.lastOfType('whisper').to, 'guest:bob');
  ws.serverSend({ type: 'whisper', id: 'w9', from: 'guest:ann', to: 'guest:bob', text: 'psst', ts: TS, ref: ws.lastOfType('whisper').ref });
  assert.equal(chat.pending, 0, 'the echo names the guest in full');
});
