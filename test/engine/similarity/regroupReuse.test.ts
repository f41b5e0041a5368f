// A grouper keeps what a regroup can reuse (its units' quality order, the cosines of fingerprint matches): after
// files leave or come back (setPresent), a regroup must equal a grouper that never grouped before the change.
import { describe, expect, it } from 'vitest';
import { packEmbeddings } from '../../../electron/engine/similarity/embeddingMatrix.js';
import { exactTopK } from '../../../electron/engine/similarity/exactTopK.js';
import { createGrouper, type DuplicateGroup, type GrouperInput } from '../../../electron/engine/similarity/grouping.js';
import type { HashedFile } from '../../../electron/engine/similarity/hashClasses.js';

interface File extends HashedFile {
  pixels: number;
}

/** Photo families around angles (2-D embeddings), each photo with byte copies of other sizes and a fingerprint near its family's. */
function library(): GrouperInput<File> {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const files: File[] = [];
  const vectors: Float32Array[] = [];
  for (let family = 0; family < 40; family++) {
    const print = Uint8Array.from({ length: 18 }, (_, i) => (i === 16 ? 40 : i === 17 ? 90 : Math.floor(rnd() * 256)));
    for (let photo = 0; photo < 4; photo++) {
      const angle = family * 9 + rnd() * 6;
      vectors.push(new Float32Array([Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)]));
      const own = print.slice();
      for (let flips = Math.floor(rnd() * 30); flips > 0; flips--) own[Math.floor(rnd() * 16)]! ^= 1 << Math.floor(rnd() * 8);
      const name = `f${family}p${photo}`;
      // Copies share the content (one embedding row) and differ in size, so the best present copy represents it.
      for (let copy = 0; copy < 1 + Math.floor(rnd() * 3); copy++) {
        files.push({ path: `${name}c${copy}`, contentHash: `c-${name}`, pixelHash: `p-${name}`, perceptualPrint: own, pixels: Math.floor(rnd() * 5) * 100 });
      }
    }
  }
  const graph = exactTopK(packEmbeddings(vectors), { k: 6 });
  const rowOfHash = new Map<string, number>();
  for (const f of files) if (!rowOfHash.has(f.contentHash)) rowOfHash.set(f.contentHash, rowOfHash.size);
  return { files, rowOfHash, graph, quality: (f) => f.pixels, perceptualDistance: 15 };
}

const summary = (groups: DuplicateGroup<File>[]): string[] =>
  groups.map((g) => `${g.tier}: ${g.members.map((m) => `${m.file.path} ${m.tier} ${m.match} ${m.score} ${m.hamming}`).join(', ')}`);

describe('a regroup after setPresent', () => {
  const input = library();
  // The best copy of every multi-file photo leaves: its photo's quality drops, and with it its rank as representative.
  const best = new Map<string, number>();
  input.files.forEach((f, i) => {
    const b = best.get(f.contentHash);
    if (b === undefined || f.pixels > input.files[b]!.pixels) best.set(f.contentHash, i);
  });
  const leaving = [...best.values()].filter((i) => input.files.filter((f) => f.contentHash === input.files[i]!.contentHash).length > 1);

  it('equals a fresh grouper given the same files', () => {
    const reused = createGrouper(input);
    const before = summary(reused.group({ threshold: 90 }));
    reused.setPresent(leaving, false);
    const fresh = createGrouper(input);
    fresh.setPresent(leaving, false);
    const after = summary(reused.group({ threshold: 93 }));
    expect(after).toEqual(summary(fresh.group({ threshold: 93 })));
    // The change must matter for the test to mean anything: other representatives, other copies.
    expect(after).not.toEqual(summary(createGrouper(input).group({ threshold: 93 })));
    expect(before.length).toBeGreaterThan(5);
  });

  it('equals a fresh grouper once the files are back', () => {
    const reused = createGrouper(input);
    reused.group({ threshold: 88 });
    reused.setPresent(leaving, false);
    reused.group({ threshold: 95 });
    reused.setPresent(leaving, true);
    expect(summary(reused.group({ threshold: 90 }))).toEqual(summary(createGrouper(input).group({ threshold: 90 })));
  });
});
