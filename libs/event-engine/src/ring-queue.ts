const INITIAL_SLOTS = 16;
/** Above this many slots an emptied queue gives its backing array back, so a burst does not pin memory. */
const SHRINK_ABOVE = 4096;

/** Filled rather than holey, so V8 keeps the array in its fast packed representation. */
function emptySlots<T>(n: number): (T | undefined)[] {
  return new Array<T | undefined>(n).fill(undefined);
}

/**
 * A FIFO over a power-of-two circular array: O(1) push and shift without the O(n) `Array#shift`,
 * and no allocation per item once the array has grown. Growth is unbounded here; callers enforce
 * their own bounds (the engine's capacity policy, the history and dead-letter limits).
 */
export class RingQueue<T> {
  private slots: (T | undefined)[] = emptySlots<T>(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    if (this.count === 0) {
      this.head = 0;
      if (this.slots.length > SHRINK_ABOVE) this.reset();
    }
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  clear(): void {
    this.reset();
  }

  /** Oldest first. A copy: the queue may change while the caller reads it. */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.head + i) & this.mask] as T;
    return out;
  }

  private grow(): void {
    const next = emptySlots<T>(this.slots.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = next.length - 1;
    this.head = 0;
  }

  private reset(): void {
    this.slots = emptySlots<T>(INITIAL_SLOTS);
    this.mask = INITIAL_SLOTS - 1;
    this.head = 0;
    this.count = 0;
  }
}
