/**
 * Seeded randomness. Everything voc does must be repeatable (same input, config and models give the
 * same output), and Math.random cannot be seeded.
 */

/** mulberry32: a tiny, fast seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function shuffled(n: number, rand: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * A seeded uniform sample of at most `size` items from a stream of unknown length (reservoir
 * sampling, algorithm R): memory stays at `size` items however long the stream is.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  /** How many items were offered. */
  seen = 0;
  private readonly rand: () => number;

  constructor(
    private readonly size: number,
    seed: number,
  ) {
    this.rand = mulberry32(seed);
  }

  add(item: T): void {
    this.seen++;
    if (this.items.length < this.size) {
      this.items.push(item);
      return;
    }
    const j = Math.floor(this.rand() * this.seen);
    if (j < this.size) this.items[j] = item;
  }
}
