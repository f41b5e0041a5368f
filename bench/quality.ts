// Grouping quality on /work/shared/photos (29 originals + 406 variants, truth.json) with a model: per-transform
// recall and group precision at the default threshold, the hash tiers (which must be perfect whatever the model),
// the distinct-but-similar pairs, and the cosine distributions used to calibrate the 0–100 scale.
// Default model: the generated tiny ViT (random weights: its near-duplicate numbers say little about a real
// model's semantics, only that the pipeline works). LOOKALIKE_MODEL=DIR uses a real model folder instead.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../electron/engine/engine.js';
import { DEFAULT_SEED, GENERATOR_MANIFEST, generateVitModel } from '../scripts/model-generator/generate.js';
import { ContentHasher } from '../electron/engine/scan/hash.js';
import { packEmbeddings } from '../electron/engine/similarity/embeddingMatrix.js';
import { exactTopK } from '../electron/engine/similarity/exactTopK.js';
import { createGrouper } from '../electron/engine/similarity/grouping.js';
import { hashUnits, type HashedFile } from '../electron/engine/similarity/hashClasses.js';
import { thumbDifference } from '../electron/engine/similarity/pixelThumb.js';
import { cosineToScore, DEFAULT_THRESHOLD } from '../electron/engine/similarity/threshold.js';
import { dot } from '../electron/engine/vectors.js';

interface Truth {
  groups: { id: string; original: string; members: { path: string; transform: string; difficulty: string }[] }[];
  distinct_similar_pairs: [string, string][];
}

const CORPUS = process.env.LOOKALIKE_PHOTOS ?? '/work/shared/photos';

async function modelDir(): Promise<string> {
  if (process.env.LOOKALIKE_MODEL) return process.env.LOOKALIKE_MODEL;
  const dir = path.resolve('.cache/models', `tiny-${DEFAULT_SEED}`);
  if (!existsSync(path.join(dir, GENERATOR_MANIFEST))) await generateVitModel(dir, { preset: 'tiny', seed: DEFAULT_SEED });
  return dir;
}

const pct = (a: number, b: number): number => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);
const quantiles = (xs: number[]): { min: number; median: number; max: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
};

export async function benchQuality(threshold = DEFAULT_THRESHOLD): Promise<Record<string, unknown>> {
  if (!existsSync(path.join(CORPUS, 'truth.json'))) {
    console.log(`no corpus at ${CORPUS}; skipped`);
    return { skipped: true };
  }
  const truth = JSON.parse(await readFile(path.join(CORPUS, 'truth.json'), 'utf8')) as Truth;
  const groupOf = new Map<string, string>();
  const transformOf = new Map<string, string>();
  for (const g of truth.groups) {
    groupOf.set(g.original, g.id);
    transformOf.set(g.original, 'original');
    for (const m of g.members) {
      groupOf.set(m.path, g.id);
      transformOf.set(m.path, m.transform);
    }
  }
  const rels = [...groupOf.keys()].sort();

  const engine = await createEngine({ modelDir: await modelDir(), device: 'cpu' });
  const hasher = await ContentHasher.create();
  const files: HashedFile[] = [];
  const vectors: Float32Array[] = [];
  const t0 = performance.now();
  try {
    for (const rel of rels) {
      const abs = path.join(CORPUS, rel);
      const prepared = await engine.prepare(abs);
      const [v] = await engine.runBatch([prepared.tensor]);
      files.push({
        path: rel,
        contentHash: (await hasher.hashFile(abs)).contentHash,
        pixelHash: prepared.pixelHash,
        orientation: prepared.decoded.orientation,
        width: prepared.decoded.width,
        height: prepared.decoded.height,
        pixelThumb: prepared.pixelThumb,
      });
      vectors.push(v!);
    }
  } finally {
    await engine.close();
  }
  const embedS = Math.round((performance.now() - t0) / 100) / 10;
  const matrix = packEmbeddings(vectors);
  const rowOf = new Map(rels.map((r, i) => [r, i]));
  // One row per file here (not per content): rowOfHash maps each hash to its first file's row.
  const rowOfHash = new Map<string, number>();
  files.forEach((f, i) => rowOfHash.has(f.contentHash) || rowOfHash.set(f.contentHash, i));
  const graph = exactTopK(matrix, { k: 24 });
  const groups = createGrouper({ files, rowOfHash, graph }).group({ threshold });

  const clusterOf = new Map<string, number>();
  const tierOf = new Map<string, string>();
  groups.forEach((g, i) => g.members.forEach((m) => {
    clusterOf.set(m.file.path, i);
    tierOf.set(m.file.path, g.tier);
  }));
  const together = (a: string, b: string): boolean => clusterOf.has(a) && clusterOf.get(a) === clusterOf.get(b);

  // Recall per transform: the variant lands in the original's group (near-duplicate or stronger, not `similar`).
  const recall: Record<string, { found: number; of: number; difficulty: string }> = {};
  const cosines: Record<string, number[]> = {};
  for (const g of truth.groups) {
    for (const m of g.members) {
      const r = (recall[m.transform] ??= { found: 0, of: 0, difficulty: m.difficulty });
      r.of++;
      if (together(g.original, m.path) && tierOf.get(m.path) !== 'similar') r.found++;
      (cosines[m.transform] ??= []).push(dot(matrix.data.subarray(rowOf.get(g.original)! * matrix.dim, (rowOf.get(g.original)! + 1) * matrix.dim),
        matrix.data.subarray(rowOf.get(m.path)! * matrix.dim, (rowOf.get(m.path)! + 1) * matrix.dim)));
    }
  }
  // Hash tiers, model-independent: copy must be exact, png and exif_rot90 same-pixels (equal pixel hash, or the
  // rotated-copy rule: one hash unit), relative to the original. Every other pair must be 'other'.
  const units = hashUnits(files);
  const indexOf = new Map(files.map((f, i) => [f.path, i]));
  const hashTier = (a: HashedFile, b: HashedFile): string =>
    a.contentHash === b.contentHash ? 'exact'
      : units.unitOf[indexOf.get(a.path)!] === units.unitOf[indexOf.get(b.path)!] ? 'same-pixels' : 'other';
  const fileOf = new Map(files.map((f) => [f.path, f]));
  // Every transform other than copy/png/exif_rot90 that the hash tiers wrongly claim (must stay 0).
  const wrongHashTier: Record<string, number> = {};
  const thumbDiff: Record<string, number[]> = {};
  for (const g of truth.groups) {
    for (const m of g.members) {
      const a = fileOf.get(g.original)!;
      const b = fileOf.get(m.path)!;
      if (a.width === b.width && a.height === b.height) (thumbDiff[m.transform] ??= []).push(thumbDifference(a.pixelThumb!, b.pixelThumb!).meanAbs);
      if (['copy', 'png', 'exif_rot90'].includes(m.transform)) continue;
      wrongHashTier[m.transform] = (wrongHashTier[m.transform] ?? 0) + (hashTier(a, b) === 'other' ? 0 : 1);
    }
  }
  const hashChecks: Record<string, { ok: number; of: number }> = { copy: { ok: 0, of: 0 }, png: { ok: 0, of: 0 }, exif_rot90: { ok: 0, of: 0 } };
  for (const g of truth.groups) {
    for (const m of g.members) {
      const check = hashChecks[m.transform];
      if (!check) continue;
      check.of++;
      const want = m.transform === 'copy' ? 'exact' : 'same-pixels';
      if (hashTier(fileOf.get(g.original)!, fileOf.get(m.path)!) === want && together(g.original, m.path)) check.ok++;
    }
  }
  // Precision: grouped pairs (member with its group's representative) from the same truth group.
  let pairs = 0;
  let correct = 0;
  for (const g of groups) {
    if (g.tier === 'similar') continue;
    const rep = groupOf.get(g.members[0]!.file.path);
    for (const m of g.members.slice(1)) {
      pairs++;
      if (groupOf.get(m.file.path) === rep) correct++;
    }
  }
  const distinct = truth.distinct_similar_pairs.map(([a, b]) => ({
    a,
    b,
    hashTier: hashTier(fileOf.get(a)!, fileOf.get(b)!),
    score: cosineToScore(dot(matrix.data.subarray(rowOf.get(a)! * matrix.dim, (rowOf.get(a)! + 1) * matrix.dim), matrix.data.subarray(rowOf.get(b)! * matrix.dim, (rowOf.get(b)! + 1) * matrix.dim))),
    groupedTogether: together(a, b),
  }));
  // Calibration: the closest different original to each original (what a threshold must stay above).
  const originals = truth.groups.map((g) => g.original);
  const nearestOther = originals.map((o) => Math.max(...originals.filter((p) => p !== o).map((p) => dot(
    matrix.data.subarray(rowOf.get(o)! * matrix.dim, (rowOf.get(o)! + 1) * matrix.dim),
    matrix.data.subarray(rowOf.get(p)! * matrix.dim, (rowOf.get(p)! + 1) * matrix.dim)))));

  // Hash units holding anything but one photo's original/copy/png/exif_rot90 (must be 0): checks every pair, not
  // only pairs with the original, so a rotated copy that joined a re-encode or another photo would show here.
  const hashSafe = new Set(['original', 'copy', 'png', 'exif_rot90']);
  const impureUnits = units.members.filter((m) => m.length > 1 && (
    new Set(m.map((i) => groupOf.get(files[i]!.path))).size > 1 || m.some((i) => !hashSafe.has(transformOf.get(files[i]!.path)!)))).length;
  const result = {
    model: process.env.LOOKALIKE_MODEL ?? 'generated tiny ViT (random weights)',
    threshold,
    files: files.length,
    embedSeconds: embedS,
    recallByTransform: Object.fromEntries(Object.entries(recall).map(([t, r]) => [t, { recall: pct(r.found, r.of), of: r.of, difficulty: r.difficulty }])),
    groupPrecision: pct(correct, pairs),
    hashTiers: Object.fromEntries(Object.entries(hashChecks).map(([t, c]) => [t, pct(c.ok, c.of)])),
    wrongHashTierByTransform: wrongHashTier,
    impureHashUnits: impureUnits,
    thumbMeanAbsToOriginalByTransform: Object.fromEntries(Object.entries(thumbDiff).map(([t, xs]) => [t, quantiles(xs)])),
    distinctSimilarPairs: distinct,
    cosineToOriginalByTransform: Object.fromEntries(Object.entries(cosines).map(([t, xs]) => [t, quantiles(xs)])),
    nearestOtherOriginalCosine: quantiles(nearestOther),
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}
