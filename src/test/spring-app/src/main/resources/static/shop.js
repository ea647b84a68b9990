// The shop's page: the JavaScript client from Switchboard's jar, no name and no token: the login decides.
import { ChatClient, NotificationClient } from './switchboard/js/switchboard.js';

const base = new URL('./switchboard/', location.href);
const show = (list, text) => {
  const li = document.createElement('li');
  li.textContent = text; // never innerHTML
  document.getElementById(list).append(li);
};

const chat = new ChatClient({ base });
chat.on('welcome', (w) => { document.getElementById('me').textContent = w.user; });
chat.on('message', (m) => show('chat', `${m.from}: ${m.text}`));
chat.connect().join('shop').on('state', ({ state }) => { document.getElementById('chat-state').textContent = state; });

const live = new NotificationClient({ base });
live.on('notification', async (n) => {
  const found = await fetch(`orders/${n.data.id}`); // committed before it was published?
  show('orders', `${n.data.item} ${found.status === 200 ? 'committed' : 'not committed'}`);
});
live.connect().subscribe('orders').on('state', ({ state }) => { document.getElementById('orders-state').textContent = state; });

window.shop = {
  say: (text) => chat.say('shop', text),
  order: (item, declined) => fetch(`orders?item=${encodeURIComponent(item)}&declined=${declined}`, { method: 'POST' })
    .then((r) => r.json()),
};
