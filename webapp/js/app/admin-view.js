// The Admin view (docs/admin.md): this server's connections, rooms, topics and per-node figures from
// /api/admin/overview, refreshed every few seconds while the view is shown; closing a connection and
// removing a message, each after a confirmation in place. The admin key is asked for once and kept in
// sessionStorage (this tab only, never in the URL); every request sends it as a bearer token. Text
// goes in through textContent only (h()).

import { h, timeOf, dateTimeOf } from './dom.js';
import { person, personText } from './people.js';

const KEY_STORAGE = 'switchboard.adminKey';
const REFRESH_MS = 3000;
const MESSAGES = 20;
const numberFormat = new Intl.NumberFormat();

const NODE_COLUMNS = [
  ['connections', 'Connections'], ['rooms', 'Rooms'], ['topics', 'Topics'], ['messagesInPerSec', 'In / s'],
  ['messagesOutPerSec', 'Out / s'], ['dropped', 'Dropped'], ['slowConsumerCloses', 'Slow closes'],
];

/** An admin API call; resolves to the JSON answer, rejects with {status, message}. */
export async function adminFetch(path, key, { method = 'GET', base = document.baseURI } = {}) {
  const response = await fetch(new URL(`api/admin/${path}`, base), {
    method, cache: 'no-store', headers: { Authorization: `Bearer ${key}` },
  });
  let body = {};
  try { body = await response.json(); } catch { /* not JSON: keep the status */ }
  if (!response.ok) throw Object.assign(new Error(body.message || `HTTP ${response.status}`), { status: response.status });
  return body;
}

export class AdminView {
  #el;
  #key = null;
  #visible = false;
  #timer = 0;
  #loading = false;
  #overview = null;
  #confirming = null; // {kind: 'close' | 'remove', id} shown with its buttons, kept across refreshes
  #room = null; // the room whose latest messages are shown
  #messages = [];

  constructor(root) {
    const el = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#el = {
      form: el('admin-key-form'), input: el('admin-key-input'), error: el('admin-error'), body: el('admin-body'),
      node: el('admin-node'), updated: el('admin-updated'), forget: el('admin-forget'),
      nodes: el('admin-nodes'), connections: el('admin-connections'), rooms: el('admin-rooms'),
      topics: el('admin-topics'), truncated: el('admin-truncated'),
      messagesBox: el('admin-messages'), messagesTitle: el('admin-messages-title'), messages: el('admin-message-list'),
    };
    this.#el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = this.#el.input.value.trim();
      if (!key) return;
      this.#el.input.value = '';
      this.#useKey(key);
    });
    this.#el.forget.addEventListener('click', () => this.#forget(''));
    root.addEventListener('click', (event) => this.#clicked(event));
    this.#key = load();
    this.#render();
  }

  /** Refreshes only while shown. */
  set visible(visible) {
    this.#visible = visible;
    clearInterval(this.#timer);
    this.#timer = 0;
    if (visible && this.#key) {
      this.refresh();
      this.#timer = setInterval(() => this.refresh(), REFRESH_MS);
    }
  }

  async refresh() {
    if (!this.#key || this.#loading) return;
    this.#loading = true;
    try {
      this.#overview = await adminFetch('overview', this.#key);
      this.#el.error.hidden = true;
      if (this.#room) this.#messages = (await adminFetch(`rooms/${encodeURIComponent(this.#room)}/messages?limit=${MESSAGES}`, this.#key)).messages ?? [];
    } catch (e) {
      this.#failed(e);
    } finally {
      this.#loading = false;
      this.#render();
    }
  }

  #useKey(key) {
    this.#key = key;
    save(key);
    this.visible = this.#visible;
    if (!this.#visible) this.refresh();
  }

  #forget(why) {
    this.#key = null;
    this.#overview = null;
    this.#room = null;
    save(null);
    clearInterval(this.#timer);
    this.#timer = 0;
    this.#showError(why);
    this.#render();
  }

  #failed(e) {
    if (e.status === 401) this.#forget('That admin key is not right. Enter it again.');
    else if (e.status === 404 && !this.#overview) this.#forget('This server has no admin view (its adminKey setting is empty).');
    else this.#showError(`Could not load: ${e.message}`);
  }

  #showError(text) {
    this.#el.error.textContent = text;
    this.#el.error.hidden = !text;
  }

  // ---------------------------------------------------------------- actions

  async #clicked(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const { action, id } = button.dataset;
    if (action === 'ask-close') this.#confirming = { kind: 'close', id };
    else if (action === 'ask-remove') this.#confirming = { kind: 'remove', id };
    else if (action === 'cancel') this.#confirming = null;
    else if (action === 'show-messages') { this.#room = id; this.#messages = []; this.#confirming = null; this.refresh(); }
    else if (action === 'hide-messages') { this.#room = null; this.#confirming = null; }
    else if (action === 'close' || action === 'remove') {
      this.#confirming = null;
      const path = action === 'close' ? `connections/${encodeURIComponent(id)}`
        : `rooms/${encodeURIComponent(this.#room)}/messages/${encodeURIComponent(id)}`;
      button.disabled = true;
      try {
        await adminFetch(path, this.#key, { method: 'DELETE' });
        this.#showError('');
      } catch (e) {
        if (e.status === 401) this.#failed(e);
        else this.#showError(e.message);
      }
      this.refresh();
    }
    this.#render();
  }

  // ---------------------------------------------------------------- rendering

  #render() {
    const o = this.#overview;
    this.#el.form.hidden = Boolean(this.#key);
    this.#el.body.hidden = !this.#key || !o;
    if (!o) return;
    this.#el.node.textContent = `Node ${o.node}`;
    this.#el.updated.textContent = `updated ${timeOf(o.at)}`;
    this.#el.updated.title = dateTimeOf(o.at);
    this.#el.truncated.hidden = !o.truncated;
    this.#renderNodes(o);
    this.#renderConnections(o.connections ?? []);
    this.#renderRooms(o.rooms ?? []);
    this.#renderTopics(o.topics ?? []);
    this.#renderMessages();
  }

  #renderNodes(o) {
    const row = (label, figures, testid) => h('tr', { dataset: { testid } },
      h('th', { scope: 'row' }, label), ...NODE_COLUMNS.map(([key]) => h('td', { class: 'num' }, format(figures[key]))));
    const nodes = o.nodes ?? [];
    table(this.#el.nodes, ['Node', ...NODE_COLUMNS.map(([, label]) => label)],
      [...nodes.map((n) => row(n.node === o.node ? `${n.node} (this node)` : n.node, n, 'admin-node-row')),
        nodes.length > 1 ? row('Cluster', o.cluster ?? {}, 'admin-cluster-row') : null],
      'The stats feed has not shared figures yet (statsIntervalMs).');
  }

  #renderConnections(connections) {
    table(this.#el.connections, ['User', 'Address', 'Endpoint', 'Rooms / topics', 'Queue', 'Since', ''],
      connections.map((c) => h('tr', { dataset: { testid: 'admin-connection', user: c.user, id: c.id, endpoint: c.endpoint } },
        h('td', {}, person(c.user)),
        h('td', {}, c.address),
        h('td', {}, c.endpoint),
        h('td', { class: 'wrap' }, [...c.rooms, ...c.topics].join(', ') || '—'),
        h('td', { class: 'num', title: `${format(c.queuedBytes)} bytes${c.sending ? ', a send in flight' : ''}` },
          format(c.queuedFrames)),
        h('td', { title: dateTimeOf(c.opened) }, timeOf(c.opened)),
        h('td', { class: 'actions-cell' }, this.#action('close', c.id, 'Close', `Close ${personText(c.user)}'s connection?`,
          `Close the connection of ${personText(c.user)}`)))),
      'No connections.');
  }

  #renderRooms(rooms) {
    table(this.#el.rooms, ['Room', 'Connections', 'Users', ''],
      rooms.map((r) => h('tr', { dataset: { testid: 'admin-room', name: r.name } },
        h('th', { scope: 'row' }, r.name),
        h('td', { class: 'num' }, format(r.connections)),
        h('td', { class: 'wrap' }, r.users.map(personText).join(', ')),
        h('td', { class: 'actions-cell' }, h('button', {
          type: 'button', class: 'small', dataset: { action: 'show-messages', id: r.name, testid: 'admin-room-messages' },
        }, 'Messages')))),
      'No rooms with members on this node.');
  }

  #renderTopics(topics) {
    table(this.#el.topics, ['Topic', 'Subscribers', 'Users'],
      topics.map((t) => h('tr', { dataset: { testid: 'admin-topic', name: t.name } },
        h('th', { scope: 'row' }, t.name),
        h('td', { class: 'num' }, format(t.connections)),
        h('td', { class: 'wrap' }, t.users.map(personText).join(', ')))),
      'No topics with subscribers on this node.');
  }

  #renderMessages() {
    this.#el.messagesBox.hidden = !this.#room;
    if (!this.#room) return;
    this.#el.messagesTitle.textContent = `Latest messages in ${this.#room}`;
    const items = this.#messages.length === 0 ? [h('li', { class: 'muted' }, 'No messages.')] : [];
    for (const m of this.#messages) {
      items.push(h('li', {
        class: `admin-message${m.deleted ? ' deleted' : ''}`,
        dataset: { testid: 'admin-message', id: m.id, ...(m.deleted ? { deleted: 'true' } : {}) },
      },
      h('span', { class: 'admin-message-from' }, person(m.from)),
      h('time', { datetime: m.ts ?? '', title: dateTimeOf(m.ts) }, timeOf(m.ts)),
      h('span', { class: 'admin-message-text', dataset: { testid: 'admin-message-text' } }, m.deleted ? 'deleted' : (m.text ?? '')),
      m.deleted ? null : this.#action('remove', m.id, 'Remove', 'Remove this message for everyone?', 'Remove this message')));
    }
    keepUnchanged(this.#el.messages, items);
  }

  /** A button that asks first: "Close" → "Close ann's connection? [Yes] [Cancel]". */
  #action(kind, id, label, question, description) {
    const c = this.#confirming;
    if (c?.kind === kind && c.id === id) {
      return h('span', { class: 'confirm', role: 'group', 'aria-label': question },
        h('span', { class: 'confirm-question' }, question),
        h('button', { type: 'button', class: 'small danger', dataset: { action: kind, id, testid: 'admin-confirm' } }, `Yes, ${label.toLowerCase()}`),
        h('button', { type: 'button', class: 'small', dataset: { action: 'cancel', testid: 'admin-cancel' } }, 'Cancel'));
    }
    return h('button', { type: 'button', class: 'small', 'aria-label': description,
      dataset: { action: `ask-${kind}`, id, testid: `admin-${kind}` } }, label);
  }
}

/**
 * Fills a <table> with a header row and body rows (or one row saying `empty`). A refresh keeps every row that did not
 * change as the element it was: a button keeps the keyboard focus and a click aimed at it is not lost to the refresh.
 */
function table(el, headings, rows, empty) {
  const body = rows.filter(Boolean);
  const fresh = body.length ? body : [h('tr', {}, h('td', { class: 'muted', colspan: headings.length }, empty))];
  const head = h('thead', {}, h('tr', {}, ...headings.map((text) => h('th', { scope: 'col' }, text))));
  if (!el.tHead || !el.tBodies[0]) {
    el.replaceChildren(head, h('tbody', {}, ...fresh));
    return;
  }
  if (!el.tHead.isEqualNode(head)) el.tHead.replaceWith(head);
  keepUnchanged(el.tBodies[0], fresh);
}

/** Makes `parent`'s children equal to `fresh`, replacing only those that differ (see `table`). */
function keepUnchanged(parent, fresh) {
  const old = [...parent.children];
  fresh.forEach((child, i) => {
    if (i >= old.length) parent.append(child);
    else if (!old[i].isEqualNode(child)) old[i].replaceWith(child);
  });
  old.slice(fresh.length).forEach((child) => child.remove());
}

function format(n) {
  return Number.isFinite(n) ? numberFormat.format(n) : '—';
}

function load() {
  try { return sessionStorage.getItem(KEY_STORAGE) || null; } catch { return null; }
}

function save(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch { /* private mode: the key lasts as long as the page */ }
}
