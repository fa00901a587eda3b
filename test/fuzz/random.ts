/** A small seeded generator (mulberry32), so every fuzz input is reproducible from its seed. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** Mostly small, sometimes large: sizes of repetitions. */
  count(): number {
    const r = this.next();
    return r < 0.6 ? 1 + this.int(5) : r < 0.9 ? 10 + this.int(200) : 500 + this.int(5000);
  }

  /** A repetition inside a repeated construct: usually short, now and then long. */
  small(): number {
    return this.chance(0.9) ? 1 + this.int(20) : 200 + this.int(2000);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
