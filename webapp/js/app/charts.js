// Rolling time-series charts drawn by uPlot (vendor/uplot, MIT). Colours come from CSS custom
// properties so the charts follow the page's light/dark theme.

import uPlot from '../../vendor/uplot/uPlot.esm.js';

const MIN_SPAN_S = 30;
const PALETTE = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'];

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export class LiveChart {
  #plot = null;
  #xs = [];
  #ys = new Map(); // key -> values aligned with #xs
  #series; // [{key, label}]
  #observer;

  /**
   * series: [{key, label}] drawn from each pushed record's numeric fields; with dynamic: true,
   * new numeric fields found in records become new series. Missing fields leave a gap unless
   * spanGaps is true.
   */
  constructor(container, { series = [], dynamic = false, windowSeconds = 120, height = 220, spanGaps = false } = {}) {
    this.container = container;
    this.spanGaps = spanGaps; // true: a sample without the field does not break the line
    this.dynamic = dynamic;
    this.windowSeconds = windowSeconds;
    this.height = height;
    this.#series = [...series];
    for (const s of this.#series) this.#ys.set(s.key, []);
    // Created when the container first has a width (views start hidden), resized with it.
    this.#observer = new ResizeObserver(() => this.#fit());
    this.#observer.observe(container);
  }

  get points() { return this.#xs.length; }

  /** Adds one sample: t in epoch milliseconds, record an object of numbers (others ignored). */
  push(t, record) {
    const last = this.#xs[this.#xs.length - 1];
    if (last !== undefined && t / 1000 < last) return; // a late sample: the line only moves forward
    if (this.dynamic) this.#discover(record);
    this.#xs.push(t / 1000);
    for (const { key } of this.#series) {
      const v = record?.[key];
      this.#ys.get(key).push(typeof v === 'number' && Number.isFinite(v) ? v : null);
    }
    const oldest = t / 1000 - this.windowSeconds;
    while (this.#xs.length > 2 && this.#xs[0] < oldest) {
      this.#xs.shift();
      for (const values of this.#ys.values()) values.shift();
    }
    this.container.dataset.points = String(this.#xs.length); // for tests and curious readers
    this.#plot?.setData(this.#data());
  }

  #discover(record) {
    if (!record || typeof record !== 'object') return;
    let added = false;
    for (const [key, value] of Object.entries(record)) {
      if (typeof value !== 'number' || this.#ys.has(key)) continue;
      this.#series.push({ key, label: key });
      this.#ys.set(key, this.#xs.map(() => null));
      added = true;
    }
    if (added && this.#plot) {
      this.#plot.destroy();
      this.#plot = null;
      this.#fit();
    }
  }

  #data() {
    return [this.#xs, ...this.#series.map(({ key }) => this.#ys.get(key))];
  }

  #fit() {
    const width = Math.floor(this.container.clientWidth);
    if (width <= 0) return;
    if (!this.#plot) this.#plot = new uPlot(this.#options(width), this.#data(), this.container);
    else if (this.#plot.width !== width) this.#plot.setSize({ width, height: this.height });
  }

  #options(width) {
    const text = cssVar('--muted', '#5f6b7a');
    const grid = cssVar('--chart-grid', 'rgba(0,0,0,0.08)');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      width,
      height: this.height,
      scales: {
        // At least MIN_SPAN_S wide, so that the first seconds of a live series do not fill the
        // chart with a few points stretched across it.
        x: { time: true, range: (u, min, max) => [Math.min(min ?? 0, (max ?? 0) - MIN_SPAN_S), max ?? 1] },
        y: { range: (u, min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] },
      },
      axes: [{ ...axis }, { ...axis, size: 48 }],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'time' },
        ...this.#series.map((s, i) => ({
          label: s.label,
          stroke: cssVar(PALETTE[i % PALETTE.length], '#2f6feb'),
          width: 2,
          spanGaps: this.spanGaps,
          points: { fill: cssVar('--panel', '#fff') },
        })),
      ],
    };
  }
}
