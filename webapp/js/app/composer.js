// The composer: Enter sends, Shift+Enter starts a new line, the Up arrow in an empty composer edits
// one's last message (chat 1.1 rooms), typing is announced (throttled by the client), and the box
// grows with its lines (rows, not an inline style: CSP).

const MAX_ROWS = 6;

/**
 * el: {composer (the form), input (its textarea)}; hooks: send(text) → true when taken,
 * editLast() → true when an editor opened, typing().
 */
export function bindComposer({ composer, input }, { send, editLast, typing }) {
  const fit = () => { input.rows = Math.min(MAX_ROWS, Math.max(1, input.value.split('\n').length)); };
  const submit = () => {
    const text = input.value.trim();
    if (!text || !send(text)) return;
    input.value = '';
    fit();
  };
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else if (event.key === 'ArrowUp' && !event.altKey && !event.shiftKey && input.value === '' && editLast()) {
      event.preventDefault();
    }
  });
  input.addEventListener('input', () => {
    fit();
    if (input.value.trim() !== '') typing();
  });
}

/** Alt+ArrowUp / Alt+ArrowDown move between conversations from anywhere in the chat. */
export function bindConversationKeys(root, { conversations, active, select }) {
  root.addEventListener('keydown', (event) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    const all = conversations();
    const i = all.indexOf(active());
    const next = all[(i + (event.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length];
    if (next) {
      event.preventDefault();
      select(next);
    }
  });
}
