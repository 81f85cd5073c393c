/**
 * Seeded pseudo-random numbers, so the same seed always gives the same catalog, key and order outcomes.
 * Math.random is never used in the sandbox: nothing it does may differ between two runs with one seed.
 */

/** A generator of numbers in [0, 1). */
export type Random = () => number;

/** FNV-1a over a string: turns a label into a 32-bit number to derive independent streams from one seed. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * mulberry32: small, fast and good enough for simulation (not for secrets).
 * `label` gives each use (catalog, key, faults, ...) its own stream, so adding a draw in one place does not
 * shift every other result.
 */
export function createRandom(seed: number, label: string): Random {
  let state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ hashLabel(label)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], both included. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() needs at least one item');
  return item;
}

/** `bytes` random bytes as lowercase hex. */
export function randomHex(random: Random, bytes: number): string {
  let hex = '';
  for (let i = 0; i < bytes; i++) hex += randomInt(random, 0, 255).toString(16).padStart(2, '0');
  return hex;
}
