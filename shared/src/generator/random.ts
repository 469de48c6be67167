/**
 * Uniform randomness from `crypto.getRandomValues` without modulo bias: draw just enough bits to
 * cover the bound, mask, and reject values past it (at most half the draws are rejected).
 */

// One getRandomValues call serves many draws; 256 bytes cover a 128-character password.
const poolSizeBytes = 256;
let pool = new Uint8Array(0);
let poolOffset = 0;

function nextByte(): number {
  if (poolOffset >= pool.length) {
    pool = new Uint8Array(poolSizeBytes);
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const byte = pool[poolOffset] as number;
  poolOffset += 1;
  return byte;
}

/** A uniformly random integer in [0, bound). `bound` is an integer from 1 to 2^32. */
export function randomBelow(bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) {
    throw new RangeError(`randomBelow needs an integer bound from 1 to 2^32, got ${bound}`);
  }
  if (bound === 1) return 0;
  const bits = Math.ceil(Math.log2(bound));
  const bytes = Math.ceil(bits / 8);
  const mask = 2 ** bits - 1;
  for (;;) {
    let value = 0;
    for (let i = 0; i < bytes; i += 1) value = value * 256 + nextByte();
    // `%` by a power of two is the mask itself: no bias, unlike `% bound`.
    value %= mask + 1;
    if (value < bound) return value;
  }
}

/** A uniformly random bigint in [0, bound), for choices among more than 2^32 outcomes. */
export function randomBigBelow(bound: bigint): bigint {
  if (bound < 1n) throw new RangeError('randomBigBelow needs a positive bound');
  const bits = (bound - 1n).toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    let value = 0n;
    for (let i = 0; i < bytes; i += 1) value = (value << 8n) | BigInt(nextByte());
    value &= mask;
    if (value < bound) return value;
  }
}

/** Fisher–Yates shuffle in place, every permutation equally likely. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomBelow(i + 1);
    const item = items[i] as T;
    items[i] = items[j] as T;
    items[j] = item;
  }
  return items;
}
