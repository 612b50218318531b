// A fixed-capacity queue that forgets its oldest items: the debugger keeps the tail of
// each action's log in memory and leaves the rest to the log file.

export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  /** Items kept now. */
  get size(): number {
    return this.count;
  }

  /** Items pushed out to make room since the buffer was made or cleared. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Adds an item; returns the oldest one when it had to go to make room. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.droppedCount++;
    return evicted;
  }

  /** The i-th kept item, 0 being the oldest. */
  at(i: number): T | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  toArray(): T[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i)!);
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.droppedCount = 0;
  }
}
