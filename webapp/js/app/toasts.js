// Toasts: short-lived cards in a corner. They stay while hovered or focused and can be dismissed
// with their button or Escape.

import { h } from './dom.js';

const VISIBLE_MS = 6000;
const MAX_TOASTS = 4;

export class Toasts {
  constructor(container) {
    this.container = container;
  }

  show({ title, body, kind = 'info', testid = 'toast' }) {
    while (this.container.children.length >= MAX_TOASTS) this.container.firstElementChild.remove();
    let timer = 0;
    const dismiss = () => { clearTimeout(timer); el.remove(); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(dismiss, VISIBLE_MS); };
    const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: { testid } },
      h('div', { class: 'toast-body' },
        h('strong', { class: 'toast-title', dataset: { testid: 'toast-title' } }, title),
        body ? h('p', { class: 'toast-text', dataset: { testid: 'toast-text' } }, body) : null),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss notification', onclick: dismiss }, '×'));
    el.addEventListener('mouseenter', () => clearTimeout(timer));
    el.addEventListener('mouseleave', arm);
    el.addEventListener('focusin', () => clearTimeout(timer));
    el.addEventListener('focusout', arm);
    el.addEventListener('keydown', (event) => { if (event.key === 'Escape') dismiss(); });
    this.container.append(el);
    arm();
    return el;
  }
}
