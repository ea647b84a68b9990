// Runs the typed example against a fake server: tsc only proves the example agrees with the
// declarations; this proves the declarations agree with the JavaScript (a declared method the client
// lacks throws, a declared event it never emits is missing from the log). Needs `npm ci` here first.
//
//   node run-example.mjs   (exit code 0 = every expected line seen)

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { FakeWebSocket, installFakes, welcome } from '../js/fake-websocket.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const client = pathToFileURL(join(here, '../../../webapp/js/switchboard.js')).href;
const source = readFileSync(join(here, 'example.ts'), 'utf8');
const { outputText } = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } });
const dir = mkdtempSync(join(tmpdir(), 'switchboard-example-'));
const file = join(dir, 'example.mjs');
writeFileSync(file, outputText.replaceAll('../../../webapp/js/switchboard.js', client));

installFakes();
const example = await import(pathToFileURL(file).href);
rmSync(dir, { recursive: true, force: true });

const TS = '2026-11-21T10:15:30.123Z';
const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const msg = (offset, from = 'guest:bob', extra = {}) => ({ type: 'message', room: 'lobby', offset, id: `id${offset}`, from, text: `m${offset}`, ts: TS, ...extra });

// ------------------------------------------------------------------ chat
const chat = example.chatExample();
const ws = FakeWebSocket.last;
ws.serverOpen();
ws.serverSend(welcome({ user: 'guest:ann', guest: 'ticket' }), { type: 'pong' });
const [joinLobby, joinSecret] = ws.sentOfType('join');
ws.reply(joinSecret, { type: 'error', code: 'forbidden', message: 'no' });
ws.reply(joinLobby, { type: 'joined', room: 'lobby', offset: 2, epoch: 'E', recovered: false, read: 1, unread: 1,
  members: [{ user: 'guest:ann' }, { user: 'guest:bob' }], history: [msg(1, 'guest:ann'), msg(2, 'guest:bob', { reactions: { '🎉': ['guest:ann'] } })] });
ws.serverSend(
  msg(3), { type: 'presence', room: 'lobby', user: 'cy', event: 'join' }, { type: 'typing', room: 'lobby', user: 'cy' },
  { type: 'whisper', id: 'w-from-bob', from: 'guest:bob', to: 'guest:ann', text: 'psst', ts: TS },
  { type: 'edited', room: 'lobby', offset: 4, id: 'id1', from: 'guest:ann', text: 'hello, edited', ts: TS },
  { type: 'reaction', room: 'lobby', offset: 5, id: 'id2', user: 'cy', emoji: '👍', on: true, ts: TS },
  { type: 'deleted', room: 'lobby', offset: 6, id: 'id3', from: 'admin', ts: TS, admin: true },
  { type: 'read', room: 'lobby', offset: 5 }, { type: 'receipt', room: 'lobby', user: 'cy', offset: 6 });
const actions = example.chatActions(chat);
const [pushed, paged] = ws.sentOfType('history');
ws.reply(pushed, { type: 'history', room: 'lobby', messages: [] });
ws.reply(paged, { type: 'history', room: 'lobby', messages: [] });
const whisper = ws.lastOfType('whisper');
ws.serverSend({ type: 'whisper', id: 'w1', from: 'guest:ann', to: 'guest:bob', text: 'psst', ts: TS, ref: whisper.ref },
  { type: 'delivered', whisper: 'w1', to: 'guest:bob' }, { type: 'seen', whisper: 'w1', by: 'guest:bob' });
await actions;
ws.serverSend({ type: 'left', room: 'lobby', ref: ws.lastOfType('leave').ref });
ws.serverClose(1006);

// ------------------------------------------------------------------ notifications
const live = example.notificationsExample();
const lws = FakeWebSocket.last;
lws.serverOpen();
const [subscribeOrders, subscribeTable] = lws.sentOfType('subscribe');
assert.equal(subscribeTable.snapshot, true, 'subscribe(topic, { snapshot: true }) asks for the rows');
lws.reply(subscribeOrders, { type: 'subscribed', topic: 'orders', offset: 1, epoch: 'E', recovered: false,
  last: { type: 'notification', topic: 'orders', offset: 1, ts: TS, data: { n: 1 } } });
lws.reply(subscribeTable, { type: 'subscribed', topic: 'table:orders', offset: 3, epoch: 'E', recovered: false,
  rows: [{ id: 1 }, { id: 2 }], truncated: true });
lws.serverSend({ type: 'notification', topic: 'orders', offset: 2, trace: TRACE, ts: TS, data: { n: 2 } });
live.unsubscribe('orders');
lws.reply(lws.lastOfType('unsubscribe'), { type: 'unsubscribed', topic: 'orders' });
live.close();
chat.close();

example.helpersExample();

const expected = [
  'state:closed->connecting', 'lobby joining:true retryAt=0', 'open:false', 'state:connecting->open',
  'welcome:ann (guest)', 'once:welcome', 'pong', 'channel:secret:errored final', 'refused:secret:forbidden',
  'error:forbidden', 'unread:lobby:1', 'lobby:joined', 'joined:lobby read=1 unread=1 history=2', 'message:3',
  'unread:lobby:2', 'presence:cy:join', 'typing:cy', 'whisper:w-from-bob', 'edited:4:hello, edited',
  'changed:id1:hello, edited (edited)', 'reaction:5:👍:true', 'changed:id2:m2 🎉1👍1', 'deleted:6:true by an administrator',
  'changed:id3:deleted', 'unread:lobby:0', 'read:5', 'frame:receipt', 'receipt:cy:6',
  'said:true pending=5 rooms=lobby', 'push:ok', 'history:0', 'history:0', 'whisper:w1', 'delivered:w1:delivered',
  'seen:guest:bob:seen', 'older:0',
  'store:3 hello, edited (edited) read=6 unread=0 readers=1 v11=true whisper=seen last=6',
  'state:true user=guest:ann channel=joined channels=1', 'channel:lobby:leaving', 'left:lobby', 'channel:lobby:closed final',
  'close:reconnect', 'subscribed:orders:false:1', 'table:true', 'rows:table:orders:2:true', 'topics:orders,table:orders', `notification:orders:{"n":2} trace=${TRACE}`, 'unsubscribed:orders',
  'ping:2', 'helpers:5,10 since=true edited=hey keep=keep frames=pong,welcome guest=ann url=wss://h/app/ws/chat?name=ann code=4001 admin=4500:stop limit=50 stored=1',
];
const missing = expected.filter((line) => !example.seen.includes(line));
assert.deepEqual(missing, [], `not seen:\n${missing.join('\n')}\n\nseen:\n${example.seen.join('\n')}`);
assert.equal(ws.lastOfType('seen')?.whisper, 'w-from-bob', 'seen() sent');
assert.deepEqual(ws.sentOfType('read').map((r) => r.offset), [6], 'markRead coalesced to the newest');
for (const type of ['edit', 'delete', 'react', 'say', 'whisper', 'typing']) assert.equal(ws.sentOfType(type).length, 1, type);
console.log(`example ran: ${example.seen.length} lines, all ${expected.length} expected ones seen`);
