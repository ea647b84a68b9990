// A tiny EventTarget-like emitter: on(type, fn) returns an unsubscribe function.
// Listeners registered for '*' receive (type, payload) for every event.

export class Emitter {
  #listeners = new Map();

  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.off(type, fn);
  }

  once(type, fn) {
    const off = this.on(type, (payload) => {
      off();
      fn(payload);
    });
    return off;
  }

  off(type, fn) {
    this.#listeners.get(type)?.delete(fn);
  }

  emit(type, payload) {
    // A throwing listener must not stop the others nor the client's own processing.
    for (const fn of [...(this.#listeners.get(type) ?? [])]) {
      try { fn(payload); } catch (e) { reportListenerError(e); }
    }
    for (const fn of [...(this.#listeners.get('*') ?? [])]) {
      try { fn(type, payload); } catch (e) { reportListenerError(e); }
    }
  }
}

function reportListenerError(e) {
  setTimeout(() => { throw e; }); // surfaces in the console without breaking the caller
}
