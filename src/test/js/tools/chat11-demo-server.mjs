// A scripted chat 1.1 server for looking at the page (not a test, and not Switchboard's server): serves
// webapp/ and answers /ws/chat with made-up rooms that have edited, deleted and reacted-to messages, unread
// ones, guests, and whispers that get delivered and seen. Plain Node, no packages; WebSocket text frames only.
//
//   node src/test/js/tools/chat11-demo-server.mjs 18090   →   http://127.0.0.1:18090/?name=ann

import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../webapp/', import.meta.url));
const port = Number(process.argv[2] ?? 18090);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const ts = (min) => new Date(Date.UTC(2026, 10, 21, 10, min)).toISOString();

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const body = await readFile(join(root, path.endsWith('/') ? `${path}index.html` : path));
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? (path.endsWith('/') ? 'text/html' : 'application/octet-stream') });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});

server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://x');
  if (!url.pathname.endsWith('/ws/chat')) { socket.destroy(); return; }
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`, 'Sec-WebSocket-Protocol: switchboard.v1', '', ''].join('\r\n'));
  chat(socket, `guest:${url.searchParams.get('name') ?? 'ann'}`);
});

function chat(socket, me) {
  const send = (o) => socket.write(frame(JSON.stringify(o)));
  const rooms = new Map();
  const room = (name) => {
    if (!rooms.has(name)) rooms.set(name, seed(name));
    return rooms.get(name);
  };
  const event = (r, o) => { r.offset += 1; const e = { ...o, room: r.name, offset: r.offset, ts: new Date().toISOString() }; send(e); return e; };
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let parsed; (parsed = unframe(buffer));) {
      buffer = buffer.subarray(parsed.length);
      if (parsed.opcode === 8) { socket.end(); return; }
      if (parsed.opcode === 1) handle(JSON.parse(parsed.text));
    }
  });
  socket.on('error', () => {});
  send({ type: 'welcome', user: me, session: 's', protocol: 'switchboard.v1', heartbeatMs: 25000, limits: { maxMessageBytes: 65536, maxTextChars: 4000 } });
  setTimeout(() => send({ type: 'whisper', id: 'w-bob-1', from: 'bob', to: me, text: 'Did you see the edit?', ts: ts(20) }), 800);

  function handle(f) {
    const r = f.room ? room(f.room) : null;
    switch (f.type) {
      case 'ping': return send({ type: 'pong' });
      case 'join': {
        const history = r.messages.map(({ type, ...m }) => m);
        return send({ type: 'joined', room: r.name, offset: r.offset, epoch: 'demo', recovered: false, ref: f.ref, read: r.read,
          unread: r.messages.filter((m) => m.offset > r.read && m.from !== me).length,
          members: [{ user: me }, { user: 'bob' }, { user: 'guest:cy' }], history });
      }
      case 'history': return send({ type: 'history', room: r.name, messages: [], ref: f.ref });
      case 'say': {
        const m = event(r, { type: 'message', id: `m${r.offset + 1}`, from: me, text: f.text, ref: f.ref });
        return r.messages.push(m);
      }
      case 'edit': { const m = r.messages.find((x) => x.id === f.id); m.text = f.text; m.edited = new Date().toISOString();
        return event(r, { type: 'edited', id: f.id, from: me, text: f.text, ref: f.ref }); }
      case 'delete': { const m = r.messages.find((x) => x.id === f.id); delete m.text; m.deleted = true;
        return event(r, { type: 'deleted', id: f.id, from: me, ref: f.ref }); }
      case 'react': {
        const m = r.messages.find((x) => x.id === f.id);
        const users = (m.reactions ??= {})[f.emoji] ??= [];
        const on = !users.includes(me);
        if (on) users.push(me); else users.splice(users.indexOf(me), 1);
        return event(r, { type: 'reaction', id: f.id, user: me, emoji: f.emoji, on, ref: f.ref });
      }
      case 'read': r.read = Math.max(r.read, f.offset); return send({ type: 'read', room: r.name, offset: r.read });
      case 'whisper': {
        const id = `w${Date.now()}`;
        send({ type: 'whisper', id, from: me, to: f.to, text: f.text, ts: new Date().toISOString(), ref: f.ref });
        setTimeout(() => send({ type: 'delivered', whisper: id, to: f.to }), 300);
        setTimeout(() => send({ type: 'seen', whisper: id, by: f.to }), 1500);
        return undefined;
      }
      default: return undefined;
    }
  }
}

function seed(name) {
  const lines = [
    ['bob', 'Morning! The deploy went fine.', { edited: ts(3) }],
    ['guest:cy', 'Great news 🎉', { reactions: { '🎉': ['bob', 'guest:cy'], '👍': ['bob'] } }],
    ['bob', 'gone', { deleted: true }],
    ['guest:cy', 'Anyone up for lunch at noon?', {}],
    ['bob', 'Count me in. Same place as last week?', { reactions: { '👍': ['guest:cy'] } }],
  ];
  const messages = lines.map(([from, text, extra], i) => {
    const m = { type: 'message', room: name, offset: i + 1, id: `${name}-${i + 1}`, from, text, ts: ts(i * 2), ...extra };
    if (m.deleted) delete m.text;
    return m;
  });
  return { name, offset: messages.length + 3, read: name === 'lobby' ? 3 : 1, messages };
}

function frame(text) {
  const data = Buffer.from(text);
  const head = data.length < 126 ? Buffer.from([0x81, data.length])
    : data.length < 65536 ? Buffer.from([0x81, 126, data.length >> 8, data.length & 255]) : null;
  if (!head) throw new Error('frame too large for the demo server');
  return Buffer.concat([head, data]);
}

function unframe(buf) {
  if (buf.length < 2) return null;
  const opcode = buf[0] & 15;
  let len = buf[1] & 127;
  let pos = 2;
  if (len === 126) { if (buf.length < 4) return null; len = buf.readUInt16BE(2); pos = 4; }
  if (len === 127) throw new Error('frame too large for the demo server');
  if (buf.length < pos + 4 + len) return null;
  const mask = buf.subarray(pos, pos + 4);
  const text = Buffer.from(buf.subarray(pos + 4, pos + 4 + len).map((b, i) => b ^ mask[i % 4])).toString();
  return { opcode, text, length: pos + 4 + len };
}

server.listen(port, '127.0.0.1', () => console.log(`http://127.0.0.1:${port}/?name=ann`));
