// The Switchboard demo page: choose a name, then chat, watch the dashboard and get notifications.
// Page parameters: ?name=ann (skip the name form), ?token=JWT (sign in with a token instead of a
// guest name), ?rooms=a,b (rooms to open), ?demo=orders (the topic charted on the dashboard).

import { ChatClient, NotificationClient } from '../switchboard.js';
import { bindStatus } from './status.js';
import { ChatView } from './chat-view.js';
import { DashboardView } from './dashboard-view.js';
import { DataView } from './data-view.js';
import { NotificationsView } from './notifications-view.js';
import { AdminView } from './admin-view.js';
import { Toasts } from './toasts.js';
import { person, personText } from './people.js';

const params = new URLSearchParams(location.search);
const config = {
  token: params.get('token') || undefined,
  rooms: (params.get('rooms') || 'lobby').split(',').map((r) => r.trim()).filter(Boolean),
  statsTopic: 'stats',
  demoTopic: params.get('demo') || 'demo',
  noticeTopics: ['news', 'orders'],
};
const STORAGE_KEY = 'switchboard.page';

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const toasts = new Toasts(byTestId('toasts'));

function start(name) {
  byTestId('login').hidden = true;
  byTestId('views').hidden = false;
  byTestId('status').hidden = false;
  const saved = load();
  save({ ...saved, name });

  const chat = new ChatClient({ name, token: config.token });
  // The server makes every guest connection's name unique: were both sockets called "ann", whichever
  // (re)connects first would take the name and the chat could become "ann-2". The notifications
  // socket of a guest therefore gets a name of its own; with a token both are the same user.
  const live = new NotificationClient({ name: config.token ? undefined : `${name}.live`, token: config.token });
  const announcer = byTestId('announcer');
  bindStatus(byTestId('chat-state'), chat, { announcer, name: 'Chat' });
  bindStatus(byTestId('live-state'), live, { announcer, name: 'Live updates' });

  const showError = (e) => toasts.show({ title: 'Something went wrong', body: e.message || e.code, kind: 'error', testid: 'error-toast' });
  const chatView = new ChatView(byTestId('chat-view'), chat, {
    onError: showError,
    onRoomsChanged: (rooms) => save({ ...load(), rooms }),
  });
  const dashboard = new DashboardView(byTestId('dashboard-view'));
  const data = new DataView(byTestId('data-view'), live);
  const notices = new NotificationsView(byTestId('notifications-view'), live, toasts, {
    badge: byTestId('notification-count'),
    dashboardTopics: [config.statsTopic, config.demoTopic],
  });
  for (const el of document.querySelectorAll('[data-testid="demo-topic-name"], [data-testid="demo-topic-caption"]')) {
    el.textContent = config.demoTopic;
  }

  const me = byTestId('me');
  chat.on('welcome', (w) => {
    me.replaceChildren(...person(w.user).childNodes); // a guest: its name and a "guest" mark
    me.dataset.user = w.user; // the full identity ("guest:ann")
    me.title = `Signed in as ${personText(w.user)}`;
    me.hidden = false;
  });

  live.on('subscribed', (s) => {
    if (DataView.owns(s.topic)) return data.subscribed(s);
    if (s.resubscribe || !s.last) return; // the current value, shown once on the first subscribe
    if (s.topic === config.statsTopic) dashboard.stats(s.last);
    else if (s.topic === config.demoTopic) dashboard.demo(s.last);
    else notices.add(s.last, { toast: false });
  });
  live.on('notification', (n) => {
    if (DataView.owns(n.topic)) data.notification(n);
    else if (n.topic === config.statsTopic) dashboard.stats(n);
    else if (n.topic === config.demoTopic) dashboard.demo(n);
    else notices.add(n, { toast: !n.replayed, unread: true });
  });
  live.on('welcome', (w) => {
    // A private topic is only worth following under a stable identity (a token): each guest
    // connection gets its own unique name from the server.
    if (config.token) notices.follow(`user:${w.user}`);
  });
  live.on('error', (e) => {
    if (e.local && e.code === 'bad_frame') return;
    if (e.request?.type === 'subscribe' && notices.lists(e.request.topic)) return; // shown in the topic list
    if (e.request?.type === 'subscribe' && DataView.owns(e.request.topic)) return data.error(e); // in the view
    showError(e);
  });

  chat.connect();
  live.connect();
  live.subscribe(config.statsTopic);
  live.subscribe(config.demoTopic);
  for (const topic of config.noticeTopics) notices.follow(topic);
  const rooms = params.has('rooms') ? config.rooms : (saved.rooms?.length ? saved.rooms : config.rooms);
  rooms.forEach((room, i) => chatView.openRoom(room, { select: i === 0 }));

  const admin = new AdminView(byTestId('admin-view'));
  setupViews((view) => {
    notices.visible = view === 'notifications';
    admin.visible = view === 'admin';
    if (view === 'data') data.show();
  });
  byTestId('composer-input').focus();
}

function setupViews(onShow) {
  const tabs = [...document.querySelectorAll('.view-tab')];
  const show = (view) => {
    if (!tabs.some((t) => t.dataset.view === view)) view = 'chat';
    for (const tab of tabs) {
      if (tab.dataset.view === view) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    for (const panel of document.querySelectorAll('[data-view-panel]')) panel.hidden = panel.dataset.viewPanel !== view;
    onShow(view);
  };
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      history.replaceState(null, '', `#${tab.dataset.view}`);
      show(tab.dataset.view);
    });
  }
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  show(location.hash.slice(1) || 'chat');
}

function load() {
  try { return JSON.parse(sessionStorage.getItem(STORAGE_KEY)) ?? {}; } catch { return {}; }
}

function save(state) {
  try { sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state)); } catch { /* private mode */ }
}

// ------------------------------------------------------------------ choose a name

const initialName = params.get('name') || load().name;
if (initialName || config.token) {
  start(initialName || '');
} else {
  const form = byTestId('login-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = byTestId('name-input').value.trim();
    if (name) start(name);
  });
}
