// Full-jitter exponential backoff ("Exponential Backoff And Jitter", AWS architecture blog):
// delay = random(0, min(maxDelay, minDelay * factor^attempt)).
// Spreading retries over the whole window keeps a restarted server from being hit by every
// client at the same instant. reset() is called after a good connection.

export class Backoff {
  #attempt = 0;

  constructor({ minDelay = 500, maxDelay = 20000, factor = 2, random = Math.random } = {}) {
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.factor = factor;
    this.random = random;
  }

  /** Number of delays handed out since the last reset. */
  get attempt() {
    return this.#attempt;
  }

  /** The next delay in milliseconds. */
  next() {
    const ceiling = Math.min(this.maxDelay, this.minDelay * this.factor ** this.#attempt);
    this.#attempt += 1;
    return Math.floor(this.random() * ceiling);
  }

  reset() {
    this.#attempt = 0;
  }
}
