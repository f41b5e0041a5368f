import { describe, expect, it } from 'vitest';
import { packEmbeddings } from '../../../electron/engine/similarity/embeddingMatrix.js';
import { exactTopK } from '../../../electron/engine/similarity/exactTopK.js';
import { createGrouper, type DuplicateGroup } from '../../../electron/engine/similarity/grouping.js';
import type { HashedFile } from '../../../electron/engine/similarity/hashClasses.js';

const deg = (d: number): Float32Array => new Float32Array([Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]);

/** One file per vector, each with its own content and pixel hash, named by `names`. */
function grouperForAngles(angles: Record<string, number>, notDuplicate: [string, string][] = []) {
  const names = Object.keys(angles);
  const files: HashedFile[] = names.map((n) => ({ path: n, contentHash: `c-${n}`, pixelHash: `p-${n}` }));
  const graph = exactTopK(packEmbeddings(names.map((n) => deg(angles[n]!))), { k: 8 });
  const rowOfHash = new Map(files.map((f, i) => [f.contentHash, i]));
  return createGrouper({ files, rowOfHash, graph, notDuplicate: notDuplicate.map(([a, b]) => [`c-${a}`, `c-${b}`] as const) });
}

const summary = (groups: DuplicateGroup<HashedFile>[]): string[] =>
  groups.map((g) => `${g.tier}:${g.members.map((m) => m.file.path).join(',')}`);

describe('non-chaining grouping (threshold → groups)', () => {
  // A–B 14°, B–C 15°, A–C 29°; D–E 12°, far from the rest. Score s ↔ cosine 0.5 + s/200.
  const angles = { A: 0, B: 14, C: 29, D: 100, E: 112 };
  const table: { threshold: number; expected: string[] }[] = [
    // cut 18.2°: A≈B and B≈C, but A–C is 29°: C must not ride along through B.
    { threshold: 90, expected: ['near-duplicate:B,A', 'near-duplicate:D,E'] },
    // cut 31.8°: all three are pairwise close now (degree ties go to input order).
    { threshold: 70, expected: ['near-duplicate:A,B,C', 'near-duplicate:D,E'] },
    // near cut 12.8° keeps only D–E; the similar band (down to 22.3°) takes B,A.
    { threshold: 95, expected: ['near-duplicate:D,E', 'similar:B,A'] },
    // nothing near; both pairs in the similar band (down to 19.1°).
    { threshold: 99, expected: ['similar:B,A', 'similar:D,E'] },
  ];
  it.each(table)('threshold $threshold', ({ threshold, expected }) => {
    expect(summary(grouperForAngles(angles).group({ threshold }))).toEqual(expected);
  });

  it('a long chain is cut into local groups, never one component', () => {
    const chain = { P0: 0, P1: 10, P2: 20, P3: 30, P4: 40, P5: 50 };
    const groups = grouperForAngles(chain).group({ threshold: 90, includeSimilar: false });
    for (const g of groups) {
      const a = g.members.map((m) => chain[m.file.path as keyof typeof chain]);
      expect(Math.max(...a) - Math.min(...a)).toBeLessThanOrEqual(18.2);
    }
    expect(groups.length).toBeGreaterThanOrEqual(2);
  });

  it('"not a duplicate" pairs stay apart', () => {
    const groups = grouperForAngles(angles, [['A', 'B']]).group({ threshold: 70, includeSimilar: false });
    for (const g of groups) {
      const paths = g.members.map((m) => m.file.path);
      expect(paths.includes('A') && paths.includes('B')).toBe(false);
    }
    expect(summary(groups)).toContain('near-duplicate:A,C');
  });
});

describe('tiers', () => {
  // orig, byte copy, PNG of the same pixels, EXIF-rotated JPEG with the same oriented pixels, a resize,
  // a different photo whose embedding happens to be identical (must stay near-duplicate, never exact).
  const files: HashedFile[] = [
    { path: 'orig.jpg', contentHash: 'c1', pixelHash: 'p1' },
    { path: 'copy.jpg', contentHash: 'c1', pixelHash: 'p1' },
    { path: 'lossless.png', contentHash: 'c2', pixelHash: 'p1' },
    { path: 'exif-rot.jpg', contentHash: 'c3', pixelHash: 'p1' },
    { path: 'resize.jpg', contentHash: 'c4', pixelHash: 'p4' },
    { path: 'lookalike.jpg', contentHash: 'c5', pixelHash: 'p5' },
    { path: 'far.jpg', contentHash: 'c6', pixelHash: 'p6' },
    { path: 'unembedded-a.jpg', contentHash: 'c7', pixelHash: null },
    { path: 'unembedded-b.jpg', contentHash: 'c7', pixelHash: null },
  ];
  const vectors = [deg(0), deg(0), deg(0), deg(3), deg(1), deg(90)];
  const rowOfHash = new Map(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((h, i) => [h, i]));
  const graph = exactTopK(packEmbeddings(vectors), { k: 8 });
  const grouper = createGrouper({ files, rowOfHash, graph });
  const tiersOf = (g: DuplicateGroup<HashedFile>) => Object.fromEntries(g.members.map((m) => [m.file.path, m.tier]));

  it('labels every member relative to the representative and the group by its weakest link', () => {
    const groups = grouper.group({ threshold: 90 });
    const main = groups.find((g) => g.members.some((m) => m.file.path === 'orig.jpg'))!;
    expect(main.tier).toBe('near-duplicate');
    expect(tiersOf(main)).toEqual({
      'orig.jpg': 'exact',
      'copy.jpg': 'exact',
      'lossless.png': 'same-pixels',
      'exif-rot.jpg': 'same-pixels',
      'resize.jpg': 'near-duplicate',
      'lookalike.jpg': 'near-duplicate',
    });
    expect(main.members.find((m) => m.file.path === 'copy.jpg')!.score).toBe(100);
  });

  it('exact and same-pixels groups form whatever the threshold, also without embeddings', () => {
    const groups = grouper.group({ threshold: 100, includeSimilar: false });
    expect(summary(groups).sort()).toEqual([
      'exact:unembedded-a.jpg,unembedded-b.jpg',
      'same-pixels:orig.jpg,copy.jpg,lossless.png,exif-rot.jpg',
    ]);
  });

  it('"not a duplicate" does not split identical pixels', () => {
    const g = createGrouper({ files, rowOfHash, graph, notDuplicate: [['c1', 'c2']] }).group({ threshold: 100 });
    expect(summary(g)).toContain('same-pixels:orig.jpg,copy.jpg,lossless.png,exif-rot.jpg');
  });
});
