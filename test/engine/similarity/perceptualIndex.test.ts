// Multi-index hashing must find exactly what a full scan finds, at every distance (the pigeonhole radius changes
// at multiples of 8), including hashes that differ only inside one chunk or spread over all of them.
import { describe, expect, it } from 'vitest';
import { PERCEPTUAL_PRINT_BYTES, hammingDistance } from '../../../electron/engine/similarity/perceptualHash.js';
import { PerceptualIndex } from '../../../electron/engine/similarity/perceptualIndex.js';
import { mulberry32 } from '../../support/prng.js';

function randomPrint(next: () => number): Uint8Array {
  const p = new Uint8Array(PERCEPTUAL_PRINT_BYTES);
  for (let i = 0; i < 16; i++) p[i] = next() & 0xff;
  return p;
}

/** A copy of `p` with `bits` distinct random bits of its hash flipped. */
function flipped(p: Uint8Array, bits: number, next: () => number): Uint8Array {
  const q = Uint8Array.from(p);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 128);
  for (const b of chosen) q[b >> 3]! ^= 0x80 >> (b & 7);
  return q;
}

describe('PerceptualIndex (multi-index hashing)', () => {
  const next = mulberry32(16);
  // Clusters: a base and copies 1–24 bits away, so every distance band has members; plus unrelated prints.
  const prints: (Uint8Array | null)[] = [];
  for (let c = 0; c < 40; c++) {
    const base = randomPrint(next);
    prints.push(base);
    for (let k = 0; k < 6; k++) prints.push(flipped(base, 1 + (next() % 24), next));
  }
  for (let i = 0; i < 300; i++) prints.push(randomPrint(next));
  prints.push(null);
  const index = new PerceptualIndex(prints);

  it.each([0, 1, 7, 8, 9, 15, 16, 17, 24])('finds exactly the prints within %i bits, with their distances', (d) => {
    for (let q = 0; q < prints.length; q += 7) {
      const found = new Map<number, number>();
      index.near(q, d, (e, dist) => found.set(e, dist));
      const expected = new Map<number, number>();
      if (prints[q]) {
        prints.forEach((p, e) => {
          if (e !== q && p && hammingDistance(prints[q]!, p) <= d) expected.set(e, hammingDistance(prints[q]!, p));
        });
      }
      expect(found).toEqual(expected);
    }
  });

  it.each([0, 1, 7, 8, 9, 15, 16, 17, 24])('self-joins to exactly the pairs within %i bits, each once', (d) => {
    const found = new Map<string, number>();
    index.pairs(d, (a, b, dist) => {
      const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
      expect(found.has(key), key).toBe(false);
      found.set(key, dist);
    });
    const expected = new Map<string, number>();
    for (let a = 0; a < prints.length; a++) {
      for (let b = a + 1; b < prints.length; b++) {
        const [p, q] = [prints[a], prints[b]];
        if (p && q && hammingDistance(p, q) <= d) expected.set(`${a}-${b}`, hammingDistance(p, q));
      }
    }
    expect(found).toEqual(expected);
  });

  it('self-joins crowded buckets: many prints sharing every chunk but one', () => {
    // One base and 200 copies that differ from it in 1–3 bits of chunk 0 only: all fall in the same buckets of
    // tables 1–7 and in nearby buckets of table 0, so the once-only rule decides every pair.
    const base = randomPrint(next);
    const crowd = Array.from({ length: 200 }, (_, i) => {
      const q = Uint8Array.from(base);
      for (let k = 0; k <= i % 3; k++) {
        const bit = 8 * ((i * 7 + k * 3) % 16); // bits 0, 8, 16, …: chunk 0 of the interleaved layout
        q[bit >> 3]! ^= 0x80 >> (bit & 7);
      }
      return q;
    });
    const all = [base, ...crowd];
    let count = 0;
    new PerceptualIndex(all).pairs(6, () => count++);
    let expected = 0;
    for (let a = 0; a < all.length; a++) for (let b = a + 1; b < all.length; b++) if (hammingDistance(all[a]!, all[b]!) <= 6) expected++;
    expect(count).toBe(expected);
    expect(expected).toBe((201 * 200) / 2);
  });

  it('never finds an entry without a fingerprint, nor finds anything for one', () => {
    const none = prints.length - 1;
    let visits = 0;
    index.near(none, 24, () => visits++);
    expect(visits).toBe(0);
    index.pairs(24, (a, b) => expect([a, b]).not.toContain(none));
    index.near(0, 24, (e) => expect(e).not.toBe(none));
  });
});
