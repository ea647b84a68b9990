// Notifications: a list of everything received on the followed topics, and a toast for each new one.

import { h, clear, timeOf, dateTimeOf } from './dom.js';

const MAX_ITEMS = 200;
const MAX_TEXT = 280;

/**
 * A one-line text for any JSON payload: its title/message/text field if it has one, else compact
 * JSON (json: true).
 */
export function summarize(data) {
  if (data == null) return { text: '', json: false };
  if (typeof data !== 'object') return { text: clip(String(data)), json: false };
  const title = ['title', 'message', 'text', 'summary'].map((k) => data[k]).find((v) => typeof v === 'string');
  return title != null ? { text: clip(title), json: false } : { text: clip(JSON.stringify(data)), json: true };
}

function clip(text) {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

export class NotificationsView {
  #live;
  #el;
  #toasts;
  #unread = 0;
  #visible = false;
  #refused = new Map(); // topic -> why the server refused it (the client does not ask again by itself)
  #dashboardTopics;

  /** dashboardTopics: subscribed by the dashboard, not listed under "Following". */
  constructor(root, live, toasts, { badge, dashboardTopics = [] }) {
    this.#live = live;
    this.#dashboardTopics = new Set(dashboardTopics);
    this.#toasts = toasts;
    const el = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#el = { list: el('notification-list'), empty: el('notifications-empty'), topics: el('topic-list'),
      form: el('follow-form'), input: el('follow-input'), badge };
    this.#el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const topic = this.#el.input.value.trim();
      if (!this.#el.input.checkValidity() || !topic) return;
      this.#el.input.value = '';
      this.follow(topic);
    });
    // Every change of a topic's channel (subscribing, subscribed, refused, retrying, after a lost connection).
    live.on('channelState', () => this.#renderTopics());
    live.on('refused', (r) => { this.#refused.set(r.topic, r.message || r.code); this.#renderTopics(); });
  }

  /** Subscribes to a topic (again, if the server refused it before). */
  follow(topic) {
    this.#refused.delete(topic);
    this.#live.subscribe(topic);
    this.#renderTopics();
  }

  /** Whether a topic is listed under "Following" (where its refusal is shown). */
  lists(topic) {
    return !this.#dashboardTopics.has(topic);
  }

  /** A notification of a followed topic: into the list, and a toast; `unread` counts it on the badge. */
  add(n, { toast = true, unread = toast } = {}) {
    const { text, json } = summarize(n.data);
    const item = h('li', { class: 'notification', dataset: { testid: 'notification', topic: n.topic, offset: n.offset ?? '' } },
      h('div', { class: 'notification-head' },
        h('span', { class: 'topic-chip' }, n.topic),
        h('time', { datetime: n.ts ?? '', title: dateTimeOf(n.ts) }, timeOf(n.ts))),
      h('p', { class: `notification-text${json ? ' json' : ''}`, dataset: { testid: 'notification-text' } }, text));
    this.#el.list.prepend(item);
    while (this.#el.list.children.length > MAX_ITEMS) this.#el.list.lastElementChild.remove();
    this.#el.empty.hidden = true;
    if (toast) this.#toasts.show({ title: n.topic, body: text });
    if (unread && !this.#visible) {
      this.#unread += 1;
      this.#renderBadge();
    }
  }

  set visible(on) {
    this.#visible = on;
    if (on) {
      this.#unread = 0;
      this.#renderBadge();
    }
  }

  #renderBadge() {
    this.#el.badge.textContent = String(this.#unread);
    this.#el.badge.hidden = this.#unread === 0;
  }

  #renderTopics() {
    clear(this.#el.topics);
    for (const channel of this.#live.channels) {
      if (!this.lists(channel.name)) continue;
      const live = channel.joined;
      const retrying = channel.state === 'errored';
      this.#el.topics.append(h('span', {
        class: `topic-chip${live ? '' : ' waiting'}`,
        title: live ? 'subscribed' : retrying ? `retrying: ${channel.error?.message ?? ''}` : 'subscribing…',
        dataset: { testid: 'topic', topic: channel.name, subscribed: live ? 'true' : 'false', state: channel.state },
      }, channel.name), ' ');
    }
    for (const [topic, why] of this.#refused) {
      if (!this.lists(topic) || this.#live.channel(topic)) continue;
      this.#el.topics.append(h('span', {
        class: 'topic-chip waiting', title: `refused: ${why}`,
        dataset: { testid: 'topic', topic, subscribed: 'false', state: 'refused' },
      }, topic, h('span', { class: 'muted small', dataset: { testid: 'topic-refused' } }, ' refused')), ' ');
    }
  }
}
