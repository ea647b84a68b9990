'use strict';
// Baseline for the Switchboard benchmark: a plain textbook relay on the `ws` package that speaks the
// subset of Switchboard's protocol (shared PROTOCOL.md) the load generator uses. Each chat message is
// encoded once and sent to every member of the room (sender included), one send per recipient.
//
//   chat           /ws/chat?name=ann        welcome; join (since) -> joined (+ replay); leave; say -> message; ping -> pong
//   notifications  /ws/notifications       welcome; subscribe (since) -> subscribed (+ replay); unsubscribe; ping -> pong
//   HTTP           POST /api/topics/{t}     Authorization: Bearer <key> -> 202 {"topic","offset","epoch"}, broadcast
//                  GET /api/health, GET /api/stats, GET /debug/heap (gc() first when run with --expose-gc)
//
// Each room / topic keeps its last HISTORY messages, so a client that reconnects with
// since: {offset, epoch} gets the missed messages replayed after `joined` with "recovered": true.
//
// Environment: PORT (8090), HOST (127.0.0.1), PUBLISHER_KEY (bench-key), HISTORY (1000).

const http = require('http');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const PORT = Number(process.env.PORT || 8090);
const HOST = process.env.HOST || '127.0.0.1';
const KEY = process.env.PUBLISHER_KEY || 'bench-key';
const HISTORY = Math.max(1, Number(process.env.HISTORY || 1000));
const PAGE = 50;
const MAX_BODY = 65536;
const EPOCH = crypto.randomBytes(6).toString('hex');
const PROTOCOL = 'switchboard.v1';

const rooms = new Map();   // name -> Channel
const topics = new Map();  // name -> Channel
const users = new Map();   // guest name -> connection count
let connections = 0, messagesIn = 0, messagesOut = 0, sessionSeq = 0;

class Channel {
  constructor(name) {
    this.name = name;
    this.jsonName = JSON.stringify(name);
    this.offset = 0;
    this.members = new Set();
    this.ring = new Array(HISTORY); // ring[offset % HISTORY] = encoded message
  }
  append(json) {
    this.ring[this.offset % HISTORY] = json;
  }
  // Offsets after `since` still in the ring, or null when some were already evicted.
  missedSince(since) {
    if (!since || since.epoch !== EPOCH || !Number.isInteger(since.offset)) return null;
    if (since.offset > this.offset || since.offset < this.offset - HISTORY) return null;
    const out = [];
    for (let o = since.offset + 1; o <= this.offset; o++) out.push(this.ring[o % HISTORY]);
    return out;
  }
  lastPage() {
    const out = [];
    for (let o = Math.max(1, this.offset - Math.min(PAGE, HISTORY) + 1); o <= this.offset; o++) out.push(this.ring[o % HISTORY]);
    return out;
  }
  broadcast(json) {
    const buf = Buffer.from(json); // encoded once; one send per recipient
    for (const ws of this.members) {
      ws.send(buf, { binary: false });
      messagesOut++;
    }
  }
}

function channel(map, name) {
  let c = map.get(name);
  if (!c) { c = new Channel(name); map.set(name, c); }
  return c;
}

function validName(s) {
  return typeof s === 'string' && s.length >= 1 && s.length <= 64 && /^[A-Za-z0-9_.:@-]+$/.test(s);
}

function guestName(raw) {
  let base = (raw || '').trim().slice(0, 32) || 'guest';
  let name = base;
  for (let i = 2; users.has(name); i++) name = `${base}-${i}`;
  users.set(name, 1);
  return name;
}

function error(ws, code, message, ref) {
  ws.send(JSON.stringify(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref }));
}

function onConnection(ws, req, kind) {
  const url = new URL(req.url, 'http://x');
  const user = guestName(url.searchParams.get('name'));
  const jsonUser = JSON.stringify(user);
  const joined = new Set(); // channels this connection is in
  const map = kind === 'chat' ? rooms : topics;
  connections++;
  ws.send(`{"type":"welcome","user":${jsonUser},"session":"s${++sessionSeq}","protocol":"${PROTOCOL}","heartbeatMs":25000,` +
    `"limits":{"maxMessageBytes":${MAX_BODY},"maxTextChars":4000}}`);

  ws.on('message', (data, isBinary) => {
    messagesIn++;
    if (isBinary) { ws.close(1003); return; }
    let m;
    try { m = JSON.parse(data); } catch (e) { error(ws, 'bad_json', 'malformed JSON'); return; }
    if (m === null || typeof m !== 'object') { error(ws, 'bad_json', 'not an object'); return; }
    switch (m.type) {
      case 'ping':
        ws.send('{"type":"pong"}');
        return;
      case 'join':
      case 'subscribe': {
        const chat = m.type === 'join';
        if (chat !== (kind === 'chat')) break;
        const name = chat ? m.room : m.topic;
        if (!validName(name)) { error(ws, 'invalid', 'bad name', m.ref); return; }
        const c = channel(map, name);
        const missed = c.missedSince(m.since);
        c.members.add(ws);
        joined.add(c);
        if (chat) {
          const history = missed ? '' : c.lastPage().join(',');
          ws.send(`{"type":"joined","room":${c.jsonName},"offset":${c.offset},"epoch":"${EPOCH}","recovered":${missed !== null},` +
            `"members":[],"history":[${history}]}`);
        } else {
          const last = c.offset > 0 ? `,"last":${c.ring[c.offset % HISTORY]}` : '';
          ws.send(`{"type":"subscribed","topic":${c.jsonName},"offset":${c.offset},"epoch":"${EPOCH}","recovered":${missed !== null}${last}}`);
        }
        if (missed) for (const json of missed) ws.send(json);
        return;
      }
      case 'leave':
      case 'unsubscribe': {
        const chat = m.type === 'leave';
        if (chat !== (kind === 'chat')) break;
        const name = chat ? m.room : m.topic;
        const c = map.get(name);
        if (c && joined.has(c)) { c.members.delete(ws); joined.delete(c); }
        ws.send(chat ? `{"type":"left","room":${JSON.stringify(name)}}` : `{"type":"unsubscribed","topic":${JSON.stringify(name)}}`);
        return;
      }
      case 'say': {
        if (kind !== 'chat') break;
        const c = rooms.get(m.room);
        if (!c || !joined.has(c)) { error(ws, 'not_joined', 'join the room first', m.ref); return; }
        if (typeof m.text !== 'string' || m.text.length === 0) { error(ws, 'invalid', 'text missing', m.ref); return; }
        if (m.text.length > 4000) { error(ws, 'too_long', 'text too long', m.ref); return; }
        const offset = ++c.offset;
        const ref = typeof m.ref === 'string' ? `,"ref":${JSON.stringify(m.ref)}` : '';
        const json = `{"type":"message","room":${c.jsonName},"offset":${offset},"id":"${EPOCH}-${offset}","from":${jsonUser},` +
          `"text":${JSON.stringify(m.text)},"ts":"${new Date().toISOString()}"${ref}}`;
        c.append(json);
        c.broadcast(json);
        return;
      }
      default:
        break;
    }
    error(ws, 'unknown_type', 'unknown type', m.ref);
  });

  ws.on('close', () => {
    connections--;
    for (const c of joined) c.members.delete(ws);
    joined.clear();
    users.delete(user);
  });
  ws.on('error', () => {});
}

function publish(topic, data) {
  const c = channel(topics, topic);
  const offset = ++c.offset;
  const json = `{"type":"notification","topic":${c.jsonName},"offset":${offset},"ts":"${new Date().toISOString()}","data":${JSON.stringify(data)}}`;
  c.append(json);
  c.broadcast(json);
  return offset;
}

function reply(res, status, body) {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
  res.end(s);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const m = /^\/api\/topics\/([^/]+)$/.exec(url.pathname);
  if (m && req.method === 'POST') {
    if (req.headers.authorization !== `Bearer ${KEY}`) { reply(res, 401, { error: 'unauthorized' }); req.resume(); return; }
    const topic = decodeURIComponent(m[1]);
    if (!validName(topic)) { reply(res, 400, { error: 'invalid topic' }); req.resume(); return; }
    const chunks = [];
    let size = 0, tooBig = false;
    req.on('data', (d) => { size += d.length; if (size > MAX_BODY) tooBig = true; else chunks.push(d); });
    req.on('end', () => {
      if (tooBig) { reply(res, 413, { error: 'too large' }); return; }
      let data;
      try { data = JSON.parse(Buffer.concat(chunks)); } catch (e) { reply(res, 400, { error: 'bad JSON' }); return; }
      const offset = publish(topic, data);
      reply(res, 202, { topic, offset, epoch: EPOCH });
    });
    return;
  }
  if (url.pathname === '/api/health') { reply(res, 200, { status: 'UP' }); return; }
  if (url.pathname === '/api/stats') {
    reply(res, 200, { connections, rooms: rooms.size, topics: topics.size, messagesIn, messagesOut, dropped: 0, slowConsumerCloses: 0 });
    return;
  }
  if (url.pathname === '/debug/heap') {
    if (typeof global.gc === 'function') { global.gc(); global.gc(); }
    reply(res, 200, Object.assign({ gc: typeof global.gc === 'function' }, process.memoryUsage()));
    return;
  }
  reply(res, 404, { error: 'not found' });
});

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: MAX_BODY,
  handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
});

server.on('upgrade', (req, socket, head) => {
  const path = req.url.split('?')[0];
  const kind = path === '/ws/chat' ? 'chat' : path === '/ws/notifications' ? 'notifications' : null;
  if (!kind) { socket.destroy(); return; }
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, kind));
});

server.listen({ port: PORT, host: HOST, backlog: 4096 }, () => {
  console.log(`node relay listening on ws://${HOST}:${PORT} (ws ${require('ws/package.json').version}, node ${process.version}, epoch ${EPOCH})`);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
