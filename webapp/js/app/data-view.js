// The Data view: the database tables Switchboard watches (dbWatch), live. Choose a table: its rows
// come with the subscribe (snapshot: true), and every change after them is applied in place —
// an inserted row appears in key order, an updated one changes where it is, a deleted one fades
// out — each with a brief highlight. A chart follows one numeric column: its total over the rows,
// one point per change. Values go in through textContent only.

import { h } from './dom.js';
import { LiveChart } from './charts.js';

const TABLE_PREFIX = 'table:';
const FLASH_MS = 1500; // as long as the highlight's animation in app.css
const FADE_MS = 700; // a deleted row's fade-out

export class DataView {
  #live;
  #fetchTables;
  #el;
  #tables = []; // [{name, topic, key}]
  #table = null; // the chosen one
  #rows = new Map(); // key text -> { row, tr }
  #columns = [];
  #column = null; // charted column
  #chart = null;
  #truncated = false;
  #loaded = null;

  /**
   * root: the view's section; live: the page's NotificationClient; fetchTables: () => Promise of the
   * answer of GET api/tables.
   */
  constructor(root, live, { fetchTables = defaultFetchTables } = {}) {
    this.#live = live;
    this.#fetchTables = fetchTables;
    const el = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#el = {
      tableSelect: el('data-table-select'), columnSelect: el('data-column-select'), status: el('data-status'),
      empty: el('data-empty'), chart: el('data-chart'), caption: el('data-chart-caption'),
      head: el('data-table').tHead, body: el('data-table').tBodies[0],
    };
    this.#el.tableSelect.addEventListener('change', () => this.#choose(this.#el.tableSelect.value));
    this.#el.columnSelect.addEventListener('change', () => this.#chartColumn(this.#el.columnSelect.value));
  }

  /** Whether a topic is a table's (its frames belong here). */
  static owns(topic) {
    return typeof topic === 'string' && topic.startsWith(TABLE_PREFIX);
  }

  /** The view was shown: the first time, it learns the tables and subscribes to the first one. */
  show() {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  async #load() {
    try {
      const answer = await this.#fetchTables();
      this.#tables = Array.isArray(answer?.tables) ? answer.tables : [];
    } catch (e) {
      this.#tables = [];
      this.#setStatus(`The tables could not be listed: ${e.message ?? e}`);
    }
    this.#el.tableSelect.replaceChildren(...this.#tables.map((t) => h('option', { value: t.name }, t.name)));
    this.#el.empty.hidden = this.#tables.length > 0;
    this.#el.tableSelect.disabled = this.#tables.length === 0;
    if (this.#tables.length) this.#choose(this.#tables[0].name);
  }

  #choose(name) {
    const table = this.#tables.find((t) => t.name === name);
    if (!table || table === this.#table) return;
    if (this.#table) this.#live.unsubscribe(this.#table.topic);
    this.#table = table;
    this.#el.tableSelect.value = name;
    this.#rows.clear();
    this.#columns = [];
    this.#el.head.replaceChildren();
    this.#el.body.replaceChildren();
    this.#column = null;
    this.#setStatus('Loading…');
    this.#live.subscribe(table.topic, { snapshot: true });
  }

  /** A `subscribed` of a table topic: its rows replace what the view showed (also after a reconnect). */
  subscribed(s) {
    if (s.topic !== this.#table?.topic || !Array.isArray(s.rows)) return;
    this.#rows.clear();
    this.#el.body.replaceChildren();
    this.#columns = [];
    for (const row of s.rows) this.#addColumns(row);
    this.#renderHead();
    for (const row of s.rows) {
      const tr = this.#rowElement(row);
      this.#rows.set(this.#keyText(row), { row, tr });
      this.#el.body.append(tr);
    }
    this.#refreshColumns();
    this.#sample(Date.now());
    this.#truncated = s.truncated === true;
    this.#updateStatus();
  }

  /** A change of a table topic: {op, table, key, row, oldKey?}. */
  notification(n) {
    if (n.topic !== this.#table?.topic) return;
    const { op, row, oldKey } = n.data ?? {};
    if (!row || typeof row !== 'object') return;
    if (this.#addColumns(row)) {
      this.#renderHead();
      for (const { row: r, tr } of this.#rows.values()) this.#fill(tr, r);
    }
    if (oldKey) this.#remove(this.#keyText(oldKey));
    const key = this.#keyText(row);
    if (op === 'delete') this.#remove(key);
    else this.#put(key, row);
    this.#refreshColumns();
    this.#sample(Date.parse(n.ts) || Date.now());
    this.#updateStatus();
  }

  /** A subscribe of a table topic was refused or failed (shown here rather than as a toast). */
  error(e) {
    this.#setStatus(`${e.request?.topic ?? 'The table'}: ${e.message ?? e.code}`);
  }

  #put(key, row) {
    const known = this.#rows.get(key);
    if (known) {
      const before = known.row;
      known.row = row;
      this.#fill(known.tr, row, (column) => !same(before[column], row[column]));
      return;
    }
    const tr = this.#rowElement(row);
    flash(tr, 'inserted');
    this.#rows.set(key, { row, tr });
    const wanted = JSON.parse(key);
    const next = [...this.#el.body.rows].find((other) => !other.classList.contains('removing')
      && compareKeys(JSON.parse(other.dataset.key), wanted) > 0);
    this.#el.body.insertBefore(tr, next ?? null);
  }

  #remove(key) {
    const known = this.#rows.get(key);
    if (!known) return;
    this.#rows.delete(key);
    known.tr.classList.add('removing');
    known.tr.dataset.testid = 'data-row-removed';
    setTimeout(() => known.tr.remove(), FADE_MS);
  }

  #rowElement(row) {
    const tr = h('tr', { dataset: { testid: 'data-row', key: this.#keyText(row) } });
    this.#fill(tr, row);
    return tr;
  }

  /** Writes the row's values into its cells; highlights those for which `changed(column)` holds. */
  #fill(tr, row, changed = () => false) {
    while (tr.cells.length < this.#columns.length) tr.append(h('td'));
    this.#columns.forEach((column, i) => {
      const cell = tr.cells[i];
      const value = row[column];
      cell.textContent = display(value);
      cell.className = value === null || value === undefined ? 'null' : typeof value === 'number' ? 'number' : '';
      cell.dataset.column = column;
      if (changed(column)) flash(cell, 'changed');
    });
  }

  /** Adds the row's columns not seen yet (a snapshot's rows list them in table order); true when any. */
  #addColumns(row) {
    let added = false;
    for (const column of Object.keys(row)) {
      if (!this.#columns.includes(column)) {
        this.#columns.push(column);
        added = true;
      }
    }
    return added;
  }

  #renderHead() {
    const key = this.#table?.key ?? [];
    this.#el.head.replaceChildren(h('tr', {}, ...this.#columns.map((c) => h('th', {
      scope: 'col', class: key.includes(c) ? 'key' : null, title: key.includes(c) ? 'primary key' : null,
    }, c))));
  }

  /** Numeric columns (not of the key) are what the chart can follow. */
  #refreshColumns() {
    const key = this.#table?.key ?? [];
    const numeric = this.#columns.filter((c) => !key.includes(c)
      && [...this.#rows.values()].some(({ row }) => typeof row[c] === 'number'));
    const options = [...this.#el.columnSelect.options].map((o) => o.value);
    if (numeric.join('\n') !== options.join('\n')) {
      this.#el.columnSelect.replaceChildren(...numeric.map((c) => h('option', { value: c }, c)));
    }
    this.#el.columnSelect.disabled = numeric.length === 0;
    if (!numeric.includes(this.#column)) this.#chartColumn(numeric[0] ?? null);
    else this.#el.columnSelect.value = this.#column;
  }

  #chartColumn(column) {
    if (column === this.#column && this.#chart) return;
    this.#column = column;
    this.#el.columnSelect.value = column ?? '';
    this.#el.caption.textContent = column ? `Total of ${column} over all rows` : 'No numeric column to chart';
    // a new chart for a new column: its series are fixed
    const container = h('div', { class: 'chart', dataset: { testid: 'data-chart' } });
    this.#el.chart.replaceWith(container);
    this.#el.chart = container;
    this.#chart = column ? new LiveChart(container, { series: [{ key: 'total', label: `total ${column}` }] }) : null;
    this.#sample(Date.now());
  }

  #sample(t) {
    if (!this.#chart || !this.#column) return;
    let total = 0;
    for (const { row } of this.#rows.values()) {
      const v = row[this.#column];
      if (typeof v === 'number' && Number.isFinite(v)) total += v;
    }
    this.#chart.push(t, { total });
  }

  #updateStatus() {
    const n = this.#rows.size;
    const offset = this.#live.lastOffset(this.#table.topic);
    this.#setStatus(`${n} ${n === 1 ? 'row' : 'rows'}${this.#truncated ? ' (the first of more: dbSnapshotLimit)' : ''}`
      + ` · topic ${this.#table.topic} at offset ${offset}`);
    this.#el.status.dataset.rows = String(n);
  }

  #setStatus(text) {
    this.#el.status.textContent = text;
  }

  #keyText(rowOrKey) {
    return JSON.stringify((this.#table?.key ?? []).map((k) => rowOrKey[k] ?? null));
  }
}

async function defaultFetchTables() {
  const response = await fetch(new URL('api/tables', location.href), { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function display(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function same(a, b) {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Orders primary keys as the database would for numbers and plain text. */
function compareKeys(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** A brief highlight (an animation of app.css), restarted when it comes again. */
function flash(el, kind) {
  el.classList.remove('flash', kind);
  void el.offsetWidth; // restart the animation
  el.classList.add('flash', kind);
  clearTimeout(el.flashTimer);
  el.flashTimer = setTimeout(() => el.classList.remove('flash', kind), FLASH_MS);
}
