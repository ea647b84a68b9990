// The live dashboard: the server's counters (topic `stats`, one sample a second) as cards and
// charts, and every numeric field published to a demo topic as a moving chart. Unknown fields
// get a card of their own; missing ones leave a gap.

import { h } from './dom.js';
import { LiveChart } from './charts.js';

const KNOWN = [
  { key: 'nodes', label: 'Nodes', title: 'Server nodes counted in these figures' },
  { key: 'connections', label: 'Connections' },
  { key: 'rooms', label: 'Rooms' },
  { key: 'topics', label: 'Topics' },
  { key: 'messagesInPerSec', label: 'In / s', title: 'Messages received per second' },
  { key: 'messagesOutPerSec', label: 'Out / s', title: 'Messages delivered per second' },
  { key: 'dropped', label: 'Dropped', title: 'Messages dropped' },
  { key: 'slowConsumerCloses', label: 'Slow closes', title: 'Connections closed as slow consumers' },
];

const numberFormat = new Intl.NumberFormat();

export class DashboardView {
  #cards = new Map(); // key -> value element
  #cardsEl;
  #rate;
  #load;
  #demo;
  #demoEmpty;

  constructor(root) {
    const el = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#cardsEl = el('stat-cards');
    this.#demoEmpty = el('demo-empty');
    for (const { key, label, title } of KNOWN) this.#card(key, label, title);
    this.#rate = new LiveChart(el('chart-rate'), { series: [
      { key: 'messagesInPerSec', label: 'in / s' }, { key: 'messagesOutPerSec', label: 'out / s' }] });
    this.#load = new LiveChart(el('chart-load'), { series: [
      { key: 'connections', label: 'connections' }, { key: 'rooms', label: 'rooms' }, { key: 'topics', label: 'topics' }] });
    this.#demo = new LiveChart(el('chart-demo'), { dynamic: true, spanGaps: true });
  }

  /** A `stats` notification (or the topic's `last` value on subscribe). */
  stats(n) {
    const data = n?.data;
    if (!data || typeof data !== 'object') return;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'number') continue;
      const card = this.#cards.get(key) ?? this.#card(key, labelOf(key));
      card.textContent = numberFormat.format(value);
    }
    const t = timeOf(n);
    this.#rate.push(t, data);
    this.#load.push(t, data);
  }

  /** A notification of the demo topic: each numeric field is a series. */
  demo(n) {
    const data = n?.data;
    if (!data || typeof data !== 'object') return;
    this.#demo.push(timeOf(n), data);
    this.#demoEmpty.hidden = true;
  }

  #card(key, label, title = label) {
    const value = h('span', { class: 'card-value', dataset: { testid: `stat-${key}` } }, '—');
    this.#cardsEl.append(h('div', { class: 'card', title }, h('span', { class: 'card-label' }, label), value));
    this.#cards.set(key, value);
    return value;
  }
}

function timeOf(n) {
  const t = Date.parse(n?.ts);
  return Number.isNaN(t) ? Date.now() : t;
}

// messagesInPerSec -> "Messages in per sec"
function labelOf(key) {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
