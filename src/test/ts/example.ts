// A typed program that uses every method, option and event of the client, checked with
// `tsc --noEmit --strict` against webapp/js/switchboard.d.ts (TypeScriptDeclarationsTest), then run
// against a fake server (run-example.mjs) so that a declaration of something the JS lacks fails too.
// Each `@ts-expect-error` line is a misuse the declarations must refuse: if one compiled, tsc would
// report the directive as unused.

import {
  ChatClient, NotificationClient, ChannelState, State, CloseCode, closeAction, defaults, endpointUrl, parseFrame,
  Backoff, Positions, MessageStore, applyEvent, parseIdentity, displayName, isGuest, Offline, requestKind, Emitter,
} from '../../../webapp/js/switchboard.js';
import type {
  ChannelStateName, ClientOptions, StoredMessage, JoinedEvent, MessageFrame, UnreadEvent, StateName, Channel,
  ErrorFrame, HistoryFrame, WhisperStatus, Identity, SubscribeOptions,
} from '../../../webapp/js/switchboard.js';

/** Everything the example saw, in order: run-example.mjs checks it. */
export const seen: string[] = [];
const log = (what: string): void => { seen.push(what); };

export function chatExample(): ChatClient {
  const options: ClientOptions = {
    name: 'ann', base: 'http://localhost:8080/', chatPath: 'ws/chat', protocol: 'switchboard.v1',
    minReconnectDelay: 1, maxReconnectDelay: 1000, reconnectFactor: 2, heartbeatMs: 25_000, pongTimeoutMs: 10_000,
    connectTimeoutMs: 10_000, maxBuffered: 100, requestTimeoutMs: 10_000, typingThrottleMs: 2000, historyLimit: 50,
    closeOnPageHide: false, rememberedWhispers: 1000, maxStoredMessages: 500, readThrottleMs: 1000,
    refreshToken: async ({ code, beforeOpen }) => (code === 4401 || beforeOpen ? 'new.jwt.token' : null),
  };
  const chat = new ChatClient(options);

  chat.on('state', ({ state, previous, retryAt }) => {
    const s: StateName = state;
    log(`state:${previous}->${s}${retryAt ? ' retry' : ''}`);
  });
  chat.on('welcome', (w) => log(`welcome:${displayName(w.user)}${isGuest(w.user) ? ' (guest)' : ''}`));
  chat.on('open', ({ reconnected }) => log(`open:${reconnected}`));
  chat.on('close', ({ code }) => log(`close:${closeAction(code)}`));
  chat.on('joined', (j: JoinedEvent) => log(`joined:${j.room} read=${j.read ?? 0} unread=${j.unread ?? 0} history=${j.history.length}`));
  chat.on('left', (l) => log(`left:${l.room}`));
  chat.on('message', (m: MessageFrame) => log(`message:${m.offset}${m.replayed ? ' replayed' : ''}`));
  chat.on('presence', (p) => log(`presence:${p.user}:${p.event}`));
  chat.on('typing', (t) => log(`typing:${t.user}`));
  chat.on('whisper', (w) => { log(`whisper:${w.id}`); if (w.to === chat.user) chat.seen(w.id); });
  chat.on('history', (h) => log(`history:${h.messages.length}`));
  chat.on('edited', (e) => log(`edited:${e.offset}:${e.message?.text ?? '-'}`));
  chat.on('deleted', (e) => log(`deleted:${e.offset}:${e.message?.deleted === true}${e.admin ? ' by an administrator' : ''}`));
  chat.on('reaction', (e) => log(`reaction:${e.offset}:${e.emoji}:${e.on}`));
  chat.on('messageChanged', ({ id, message }) => log(`changed:${id}:${describe(message)}`));
  chat.on('read', (r) => log(`read:${r.offset}`));
  chat.on('unread', ({ room, unread }: UnreadEvent) => log(`unread:${room}:${unread}`));
  chat.on('receipt', (r) => log(`receipt:${r.user}:${r.offset}`));
  chat.on('delivered', (d) => log(`delivered:${d.whisper}:${d.status ?? '-'}`));
  chat.on('seen', (s) => { const status: WhisperStatus | undefined = s.status; log(`seen:${s.by}:${status ?? '-'}`); });
  chat.on('channelState', ({ name, state, final }) => log(`channel:${name}:${state}${final ? ' final' : ''}`));
  chat.on('refused', ({ name, code }) => log(`refused:${name}:${code}`));
  chat.on('error', (e: ErrorFrame) => log(`error:${e.code}${e.local ? ' local' : ''}`));
  chat.on('pong', () => log('pong'));
  chat.on('frame', (f) => { if (f.type === 'receipt') log('frame:receipt'); });
  const offAll = chat.on('*', (type) => { if (type === 'refused') log('*:refused'); });
  chat.once('welcome', () => log('once:welcome'));

  const lobby: Channel = chat.connect().join('lobby');
  lobby.on('state', ({ state }) => { const name: ChannelStateName = state; log(`lobby:${name}`); });
  const waiting: boolean = lobby.state === ChannelState.JOINING && !lobby.joined && lobby.error === null && !lobby.final;
  log(`lobby joining:${waiting} retryAt=${lobby.retryAt}`);
  chat.join('secret');
  offAll();
  return chat;
}

/** Called once the fake server has welcomed the client and answered the join. */
export async function chatActions(chat: ChatClient): Promise<void> {
  const ref: string | null = chat.say('lobby', 'hello');
  chat.whisper('guest:bob', 'psst');
  chat.edit('lobby', 'id1', 'hello, edited');
  chat.remove('lobby', 'id2');
  chat.react('lobby', 'id1', '👍');
  chat.markRead('lobby');
  chat.markRead('lobby', 3);
  chat.seen('w-from-bob');
  chat.typing('lobby');
  const push = chat.request({ type: 'history', room: 'lobby', limit: 1 });
  push?.receive('ok', () => log('push:ok')).receive('error', (e) => log(`push:${e.code}`));
  const page: Promise<HistoryFrame> = chat.history('lobby', { before: 2, limit: 10 });
  log(`said:${ref !== null} pending=${chat.pending} rooms=${chat.rooms.join(',')}`);
  const older = await page;
  log(`older:${older.messages.length}`);
  const stored: StoredMessage[] = chat.messages('lobby');
  const one: StoredMessage | undefined = chat.message('lobby', 'id1');
  const readers: Map<Identity, number> = chat.receipts('lobby');
  log(`store:${stored.length} ${one ? describe(one) : '-'} read=${chat.readPosition('lobby')} unread=${chat.unread('lobby')} `
    + `readers=${readers.size} v11=${chat.supportsV11('lobby')} whisper=${chat.whisperStatus('w1') ?? '-'} last=${chat.lastOffset('lobby')}`);
  log(`state:${chat.state === State.OPEN} user=${chat.user} channel=${chat.channel('lobby')?.state} channels=${chat.channels.length}`);
  chat.leave('lobby');
  chat.reconnectNow();
}

export function notificationsExample(): NotificationClient {
  const live = new NotificationClient({ token: 'a.b.c', notificationsPath: 'ws/notifications' });
  live.on('subscribed', (s) => log(`subscribed:${s.topic}:${s.resubscribe}:${s.last?.offset ?? '-'}`));
  live.on('notification', (n) => log(`notification:${n.topic}:${JSON.stringify(n.data)}${n.trace ? ` trace=${n.trace}` : ''}`));
  live.on('unsubscribed', (u) => log(`unsubscribed:${u.topic}`));
  live.on('refused', (r) => log(`refused:${r.topic}`));
  live.connect().subscribe('orders');
  // a database topic: the table's rows with every subscribed, then its changes
  const rows = new Map<string, unknown>();
  live.on('subscribed', (s) => {
    if (!s.rows) return;
    rows.clear();
    for (const row of s.rows) rows.set(JSON.stringify(row), row);
    log(`rows:${s.topic}:${rows.size}:${s.truncated === true}`);
  });
  const options: SubscribeOptions = { snapshot: true };
  log(`table:${live.subscribe('table:orders', options).joinFields['snapshot'] === true}`);
  log(`topics:${live.topics.join(',')}`);
  return live;
}

export function helpersExample(): void {
  const backoff = new Backoff({ minDelay: 10, maxDelay: 100, random: () => 0.5 });
  const delays = [backoff.next(), backoff.next()];
  backoff.reset();
  const positions = new Positions();
  positions.accept('lobby', 1);
  const store = new MessageStore({ maxPerRoom: 10 });
  store.add('lobby', { type: 'message', room: 'lobby', offset: 1, id: 'a', from: 'bob', text: 'hi', ts: 't' });
  const edited = applyEvent({ offset: 1, id: 'a', from: 'bob', text: 'hi', ts: 't' },
    { type: 'edited', room: 'lobby', offset: 2, id: 'a', from: 'bob', text: 'hey', ts: 't2' });
  const kind = requestKind({ reply: ['edited'], echo: 'from', offline: Offline.KEEP, timeout: false });
  const emitter = new Emitter<{ ping: number }>();
  emitter.on('ping', (n) => log(`ping:${n + 1}`));
  emitter.emit('ping', 1);
  const { objects } = parseFrame('{"type":"pong"}\n{"type":"welcome","user":"guest:ann","session":"s","protocol":"switchboard.v1"}');
  log(`helpers:${delays.join(',')} since=${positions.since('lobby') === undefined} edited=${edited.text} `
    + `keep=${kind.offline} frames=${objects.map((o) => o.type).join(',')} guest=${parseIdentity('guest:ann').name} `
    + `url=${endpointUrl('ws/chat', { base: 'https://h/app/', name: 'ann' })} code=${CloseCode.SLOW_CONSUMER} `
    + `admin=${CloseCode.CLOSED_BY_ADMIN}:${closeAction(CloseCode.CLOSED_BY_ADMIN)} `
    + `limit=${defaults.historyLimit} stored=${store.list('lobby').length}`);
}

/**
 * Misuses the declarations must refuse (never called: tsc checks them, nothing runs them). Each
 * `@ts-expect-error` that stopped being an error would fail the compile as an unused directive.
 */
export function misuses(chat: ChatClient, live: NotificationClient, emitter: Emitter<{ ping: number }>): void {
  // @ts-expect-error: no such event
  chat.on('edits', () => {});
  // @ts-expect-error: a reaction event has no `text`
  chat.on('reaction', (e) => e.text);
  // @ts-expect-error: edit needs the message id and the new text
  chat.edit('lobby', 'only text');
  // @ts-expect-error: an emoji is a string
  chat.react('lobby', 'id1', 1);
  // @ts-expect-error: markRead takes an offset, not a message id
  chat.markRead('lobby', 'id1');
  // @ts-expect-error: join belongs to a channel, not to request()
  chat.request({ type: 'join', room: 'lobby' });
  // @ts-expect-error: a stored message is read-only
  chat.messages('lobby')[0].text = 'changed';
  // @ts-expect-error: channel states are a closed set
  const wrong: ChannelStateName = 'opened';
  // @ts-expect-error: a notification client has no rooms
  live.join('lobby');
  // @ts-expect-error: the payload of 'ping' is a number
  emitter.emit('ping', 'one');
  // @ts-expect-error: an unknown option
  new ChatClient({ nmae: 'ann' });
  void wrong;
}

function describe(m: StoredMessage): string {
  if (m.deleted) return 'deleted';
  const reactions = Object.entries(m.reactions ?? {}).map(([emoji, users]) => `${emoji}${users.length}`).join('');
  return `${m.text ?? ''}${m.edited ? ' (edited)' : ''}${reactions ? ` ${reactions}` : ''}`;
}
