// The near-identical tier: fingerprints within the Hamming distance group photos the embedding alone would leave
// apart, the two guards keep the fingerprint's known false merges apart (a uniform sky, a greyscale look-alike),
// and groups still never chain.
import { describe, expect, it } from 'vitest';
import { dotRows, packEmbeddings } from '../../../electron/engine/similarity/embeddingMatrix.js';
import { exactTopK } from '../../../electron/engine/similarity/exactTopK.js';
import { createGrouper, type DuplicateGroup, type GroupOptions } from '../../../electron/engine/similarity/grouping.js';
import type { HashedFile } from '../../../electron/engine/similarity/hashClasses.js';
import { PERCEPTUAL_PRINT_BYTES } from '../../../electron/engine/similarity/perceptualHash.js';
import { mulberry32 } from '../../support/prng.js';

const deg = (d: number): Float32Array => new Float32Array([Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]);
const next = mulberry32(8);

/** A fingerprint: random hash bits (or `of`'s with `flip` bits flipped), then its detail and chroma bytes. */
function print(opts: { of?: Uint8Array; flip?: number; detail?: number; chroma?: number } = {}): Uint8Array {
  const p = new Uint8Array(PERCEPTUAL_PRINT_BYTES);
  if (opts.of) p.set(opts.of.subarray(0, 16));
  else for (let i = 0; i < 16; i++) p[i] = next() & 0xff;
  // Flip the first `flip` bits: distances are then exact and additive along one photo's copies.
  for (let b = 0; b < (opts.flip ?? 0); b++) p[b >> 3]! ^= 0x80 >> (b & 7);
  p[16] = opts.detail ?? 40;
  p[17] = opts.chroma ?? 200;
  return p;
}

interface Photo {
  angle: number;
  print: Uint8Array | null;
}

function grouper(photos: Record<string, Photo>, notDuplicate: [string, string][] = []) {
  const names = Object.keys(photos);
  const files: HashedFile[] = names.map((n) => ({ path: n, contentHash: `c-${n}`, pixelHash: `p-${n}`, perceptualPrint: photos[n]!.print }));
  const matrix = packEmbeddings(names.map((n) => deg(photos[n]!.angle)));
  // k = 1: most pairs are in no list, so the guards must get their cosines from the vectors themselves.
  const graph = exactTopK(matrix, { k: 1 });
  return createGrouper({
    files,
    rowOfHash: new Map(files.map((f, i) => [f.contentHash, i])),
    graph,
    notDuplicate: notDuplicate.map(([a, b]) => [`c-${a}`, `c-${b}`] as const),
    rowCosine: (a, b) => dotRows(matrix, a, b),
  });
}

const together = (groups: DuplicateGroup<HashedFile>[], a: string, b: string): boolean =>
  groups.some((g) => g.members.some((m) => m.file.path === a) && g.members.some((m) => m.file.path === b));

// Threshold 93 on the linear scale: near-duplicate at cosine 0.965 (15.2°), similar from 0.915 (23.8°).
const at: GroupOptions = { threshold: 93, perceptualDistance: 15 };

describe('near-identical tier', () => {
  const base = print();
  const photos: Record<string, Photo> = {
    // A resize whose embedding moved 30° (a weak model): only the fingerprint (5 bits) sees the copy.
    orig: { angle: 0, print: base },
    resize: { angle: 30, print: print({ of: base, flip: 5 }) },
    // Two different skies: fingerprints 2 bits apart, embeddings in the similar band only.
    sky1: { angle: 60, print: print({ detail: 3 }) },
    sky2: { angle: 80, print: null },
    // A grey photo and a colour one with much the same light and shade (10 bits: within the distance, beyond half
    // of it); the embedding sees different photos (40°).
    grey: { angle: 120, print: print({ chroma: 0 }) },
    colour: { angle: 160, print: null },
    // A greyscale copy 9 bits away: the embedding puts it in the similar band (20°), which confirms the fingerprint.
    greyCopy: { angle: 200, print: print({ chroma: 0 }) },
    colourOriginal: { angle: 220, print: null },
  };
  photos.sky2!.print = print({ of: photos.sky1!.print!, flip: 2, detail: 4 });
  photos.colour!.print = print({ of: photos.grey!.print!, flip: 10, chroma: 180 });
  photos.colourOriginal!.print = print({ of: photos.greyCopy!.print!, flip: 9, chroma: 150 });

  it('groups a copy the embedding misses by its fingerprint, with the Hamming distance as evidence', () => {
    const groups = grouper(photos).group(at);
    const g = groups.find((x) => x.members.some((m) => m.file.path === 'orig'))!;
    expect(g.tier).toBe('near-identical');
    const resize = g.members.find((m) => m.file.path === 'resize')!;
    expect([resize.tier, resize.match, resize.hamming]).toEqual(['near-identical', 'near-identical', 5]);
    expect(resize.cosine).toBeCloseTo(Math.cos(Math.PI / 6), 4);
  });

  it('keeps a uniform-sky pair apart: a low-detail fingerprint needs the embedding at the near-duplicate cut', () => {
    const groups = grouper(photos).group(at);
    for (const g of groups) if (together([g], 'sky1', 'sky2')) expect(g.tier).toBe('similar');
    // With the embedding at the cut, the same pair is near-identical: the guard asks, it does not forbid.
    const close = grouper({ ...photos, sky2: { ...photos.sky2!, angle: 70 } }).group(at);
    const pair = close.find((g) => together([g], 'sky1', 'sky2'))!;
    expect([pair.tier, pair.members[1]!.tier, pair.members[1]!.hamming]).toEqual(['near-identical', 'near-identical', 2]);
  });

  it('keeps a greyscale look-alike apart, and lets a greyscale copy the embedding calls similar in', () => {
    const groups = grouper(photos).group(at);
    expect(together(groups, 'grey', 'colour')).toBe(false);
    const copy = groups.find((g) => together([g], 'greyCopy', 'colourOriginal'))!;
    expect(copy.tier).toBe('near-identical');
  });

  it('lets a greyscale copy within half the distance in whatever the embedding says', () => {
    const grey = print({ chroma: 0 });
    const set: Record<string, Photo> = {
      original: { angle: 0, print: print({ of: grey, flip: 3, chroma: 120 }) },
      // A weak model puts the grey copy 90° away: no band confirms it, its 3-bit fingerprint does.
      greyCopy: { angle: 90, print: grey },
    };
    const [g] = grouper(set).group(at);
    expect(g?.tier).toBe('near-identical');
    expect(g?.members.map((m) => m.hamming)).toEqual([0, 3]);
  });

  it('is off without a distance, and a "not a duplicate" mark keeps a fingerprint pair apart too', () => {
    expect(together(grouper(photos).group({ ...at, perceptualDistance: null }), 'orig', 'resize')).toBe(false);
    expect(together(grouper(photos, [['orig', 'resize']]).group(at), 'orig', 'resize')).toBe(false);
  });

  it('never chains: X–Y and Y–Z within the distance, X–Z beyond it', () => {
    const x = print();
    const chain: Record<string, Photo> = {
      X: { angle: 0, print: x },
      Y: { angle: 120, print: print({ of: x, flip: 10 }) },
      Z: { angle: 240, print: null },
    };
    // Z = Y with 10 more bits flipped further along: 20 from X.
    const z = print({ of: x, flip: 20 });
    chain.Z!.print = z;
    const groups = grouper(chain).group(at);
    expect(groups.length).toBe(1);
    expect(groups[0]!.members.length).toBe(2);
    expect(together(groups, 'X', 'Z')).toBe(false);
  });

  it('takes fingerprint matches before embedding neighbours; a link to the representative stands for its near-identical copies', () => {
    const b = print();
    // crop: an embedding near-duplicate of orig (10°) with an unrelated fingerprint; bright: orig's fingerprint,
    // but a weak model puts it 40° away, so crop and bright have no link of their own (30° apart, 63 bits).
    const set: Record<string, Photo> = {
      orig: { angle: 0, print: b },
      bright: { angle: -40, print: print({ of: b, flip: 3 }) },
      crop: { angle: 10, print: print() },
    };
    const [g] = grouper(set).group(at);
    expect(g!.tier).toBe('near-duplicate');
    expect(Object.fromEntries(g!.members.map((m) => [m.file.path, m.tier]))).toEqual({ orig: 'exact', bright: 'near-identical', crop: 'near-duplicate' });
  });

  it('bounds the near-identical members by distance to each other, the guards having been asked against the representative', () => {
    const b = print({ chroma: 120 });
    const watermark = print({ of: b, chroma: 120 });
    for (let bit = 20; bit < 28; bit++) watermark[bit >> 3]! ^= 0x80 >> (bit & 7);
    const set: Record<string, Photo> = {
      orig: { angle: 0, print: b },
      // Grey copy 2 bits from orig but 10 from the watermarked copy (beyond half the distance): it joined by its
      // 2 bits, so the pair needs only the distance, not a model that a random-weight one cannot give.
      grey: { angle: 90, print: print({ of: b, flip: 2, chroma: 0 }) },
      watermark: { angle: 180, print: watermark },
    };
    const [g] = grouper(set).group(at);
    expect(g?.members.map((m) => [m.file.path, m.tier, m.hamming])).toEqual([['orig', 'exact', 0], ['grey', 'near-identical', 2], ['watermark', 'near-identical', 8]]);
  });

  it('still needs the near-identical members linked to each other, and the embedding members to each other', () => {
    const b = print();
    const set: Record<string, Photo> = {
      orig: { angle: 0, print: b },
      // 9 and 9 bits from orig on different bits: 18 apart (beyond 15), and far apart in the embedding.
      left: { angle: 100, print: print({ of: b, flip: 9 }) },
      right: { angle: 220, print: null },
    };
    const r = print({ of: b });
    for (let bit = 100; bit < 109; bit++) r[bit >> 3]! ^= 0x80 >> (bit & 7);
    set.right!.print = r;
    const groups = grouper(set).group(at);
    expect(together(groups, 'left', 'right')).toBe(false);
    expect(groups.find((g) => together([g], 'orig', 'left') || together([g], 'orig', 'right'))?.members).toHaveLength(2);
  });
});
