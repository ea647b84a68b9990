// The connection state, always visible: a dot, a word, a reconnect countdown and "Retry now".

const CLOSE_REASONS = {
  1008: 'refused by the server',
  1003: 'refused by the server',
  1007: 'refused by the server',
  1009: 'a message was too large',
  4401: 'sign-in expired',
  4500: 'closed by an administrator',
};

/** Human text for a state event; `now` for the countdown. */
export function describe(s, now = Date.now()) {
  switch (s.state) {
    case 'connecting': return 'connecting…';
    case 'open': return 'connected';
    case 'reconnecting': {
      if (!s.retryAt || s.retryAt <= now) return 'reconnecting…';
      return `reconnecting in ${Math.ceil((s.retryAt - now) / 1000)} s`;
    }
    default: {
      if (s.reason === 'page hidden') return 'paused';
      const why = CLOSE_REASONS[s.code] ?? (s.final && s.reason) ?? '';
      return why ? `offline (${why})` : 'offline';
    }
  }
}

const SPOKEN = { connecting: 'connecting', open: 'connected', reconnecting: 'connection lost, reconnecting', closed: 'offline' };

/**
 * Binds a client's 'state' events to one status element (its .conn-text and retry button), and
 * tells screen readers about each change of state once, through `announcer`.
 */
export function bindStatus(el, client, { announcer, name = '' } = {}) {
  const text = el.querySelector('.conn-text');
  const retry = el.querySelector('button');
  let last = { state: client.state };
  let ticker = 0;

  const render = () => {
    text.textContent = describe(last);
    el.dataset.state = last.state;
    const waiting = last.state === 'reconnecting' && last.retryAt > Date.now() + 900;
    retry.hidden = !waiting;
    if (last.state !== 'reconnecting' || !last.retryAt || last.retryAt <= Date.now()) {
      clearInterval(ticker);
      ticker = 0;
    }
  };

  retry.addEventListener('click', () => client.reconnectNow());
  client.on('state', (s) => {
    if (announcer && s.state !== last.state) announcer.textContent = `${name} ${SPOKEN[s.state] ?? s.state}`.trim();
    last = s;
    clearInterval(ticker);
    ticker = s.state === 'reconnecting' && s.retryAt ? setInterval(render, 250) : 0;
    render();
  });
  render();
}

/**
 * The banner over the chat while it is offline: why, and how many messages wait to be sent. Returns a
 * function that renders it again (after a message was written offline).
 */
export function bindOfflineBanner(banner, chat) {
  let last = null; // the last state event
  let ticker = 0;
  const render = (s = last) => {
    last = s;
    clearInterval(ticker);
    if (!s || s.state === 'open' || s.state === 'connecting') {
      banner.hidden = true;
      return;
    }
    const update = () => {
      const pending = chat.pending;
      if (s.final) { // the client will not reconnect by itself (e.g. 4500, closed by an administrator)
        banner.textContent = `Connection closed: ${describe(s)}. Reload the page to connect again.`;
        return;
      }
      banner.textContent = `Connection lost: ${describe(s)}. `
        + (pending ? `${pending} message${pending === 1 ? '' : 's'} will be sent once it is back.`
          : 'What you write now is sent once it is back.');
    };
    ticker = s.state === 'reconnecting' ? setInterval(update, 500) : 0;
    update();
    banner.hidden = false;
  };
  chat.on('state', (s) => render(s));
  return () => render();
}
