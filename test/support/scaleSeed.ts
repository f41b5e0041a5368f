// A synthetic library of any size written through the catalog's own API, with vectors shaped like a trained ViT's
// rather than random Gaussians (which are the easy case for approximate search and hide recall problems):
//  - a shared mean direction (unrelated photos sit around cosine 0.45, as real embeddings do),
//  - low-rank structure (a 16-dimensional subspace carries a third of the variance, so unrelated photos can be
//    close and sign codes are correlated),
//  - families of 2–5 near-copies (an original and its edits: cosine ≈ 0.98–0.99 to each other), 55% singles.
// Every family's vectors are a pure function of (seed, family, member), so photos added later can join an
// existing family. Paths name the family: <root>/sNNNN/fFAMILY-mMEMBER.jpg.
// Each file also gets what a scan stores beside the vector: a 32×32 pixel thumbnail (3 KB, a family's members
// within a few levels of each other) and its perceptual fingerprint, so passes over the catalog read what a real
// library's would.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog, FileWrite } from '../../electron/engine/catalog/index.js';
import type { ModelProvenance } from '../../electron/engine/types.js';
import { perceptualPrint } from '../../electron/engine/similarity/perceptualHash.js';
import { PIXEL_THUMB_SIDE } from '../../electron/engine/similarity/pixelThumb.js';
import { mulberry32 } from './prng.js';

export const scaleProvenance: ModelProvenance = {
  id: 'generated/scale', revision: null, dtype: 'fp32', fileSha256: 'ab'.repeat(32), preprocessVersion: 1, processorSha256: '34'.repeat(32),
};

const RANK = 16;
const MEAN_WEIGHT = Math.sqrt(0.45);
const LOW_RANK_WEIGHT = Math.sqrt(0.35);
const ISO_WEIGHT = Math.sqrt(0.2);

const mulberry = mulberry32;

/** 64k standard normal quantiles: a uniform draw indexes it (fast, and plenty Gaussian for noise). */
const GAUSS = (() => {
  const t = new Float32Array(65536);
  for (let i = 0; i < t.length; i++) {
    // Inverse normal CDF by bisection on erf-free Abramowitz–Stegun approximation of the tail.
    const p = (i + 0.5) / t.length;
    const q = p < 0.5 ? p : 1 - p;
    const r = Math.sqrt(-2 * Math.log(q));
    const z = r - (2.515517 + 0.802853 * r + 0.010328 * r * r) / (1 + 1.432788 * r + 0.189269 * r * r + 0.001308 * r * r * r);
    t[i] = p < 0.5 ? -z : z;
  }
  return t;
})();

export interface ScaleModel {
  dim: number;
  seed: number;
  mean: Float32Array;
  basis: Float32Array;
}

export function scaleModel(dim = 768, seed = 7): ScaleModel {
  const rand = mulberry(seed);
  const unit = (v: Float32Array): Float32Array => {
    let s = 0;
    for (const x of v) s += x * x;
    return v.map((x) => x / Math.sqrt(s));
  };
  const mean = unit(Float32Array.from({ length: dim }, () => GAUSS[rand() >>> 16]!));
  const basis = new Float32Array(RANK * dim);
  for (let r = 0; r < RANK; r++) basis.set(unit(Float32Array.from({ length: dim }, () => GAUSS[rand() >>> 16]!)), r * dim);
  return { dim, seed, mean, basis };
}

/** How many members family f has (1 for a single photo). */
export function familySize(model: ScaleModel, f: number): number {
  const x = mulberry(model.seed * 7919 + f * 2654435761)() / 2 ** 32;
  return x < 0.55 ? 1 : 2 + Math.floor(((x - 0.55) / 0.45) * 4);
}

/** The vector of member m of family f (not normalised; the catalog stores what a model returns). */
export function familyVector(model: ScaleModel, f: number, m: number, out = new Float32Array(model.dim)): Float32Array {
  const { dim, mean, basis } = model;
  const rand = mulberry(model.seed * 31 + f * 2246822519);
  const isoScale = ISO_WEIGHT / Math.sqrt(dim);
  for (let d = 0; d < dim; d++) out[d] = MEAN_WEIGHT * mean[d]! + isoScale * GAUSS[rand() >>> 16]!;
  for (let r = 0; r < RANK; r++) {
    const c = (LOW_RANK_WEIGHT / Math.sqrt(RANK)) * GAUSS[rand() >>> 16]!;
    for (let d = 0, b = r * dim; d < dim; d++) out[d]! += c * basis[b + d]!;
  }
  const sigma = (0.08 + 0.07 * ((rand() >>> 8) / 2 ** 24)) / Math.sqrt(dim);
  const noise = mulberry(model.seed * 131 + f * 3266489917 + m * 668265263);
  for (let d = 0; d < dim; d++) out[d]! += sigma * GAUSS[noise() >>> 16]!;
  return out;
}

/**
 * Member m's thumbnail of family f: a smooth picture (an 8×8 grid of the family's colours, bilinearly spread: detail enough that two families' fingerprints are strangers) plus
 * the member's own noise of a few levels, as an edit or re-encode leaves it.
 */
export function scaleThumb(model: ScaleModel, f: number, m: number): Uint8Array {
  const side = PIXEL_THUMB_SIDE;
  const rand = mulberry(model.seed * 17 + f * 2654435761);
  const G = 8;
  const grid = Float32Array.from({ length: G * G * 3 }, () => 30 + (rand() / 2 ** 32) * 195);
  const noise = mulberry(model.seed * 19 + f * 40503 + m * 2246822519);
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const gy = Math.min(G - 1.001, (y / (side - 1)) * (G - 1));
    const [y0, fy] = [Math.floor(gy), gy - Math.floor(gy)];
    for (let x = 0; x < side; x++) {
      const gx = Math.min(G - 1.001, (x / (side - 1)) * (G - 1));
      const [x0, fx] = [Math.floor(gx), gx - Math.floor(gx)];
      for (let c = 0; c < 3; c++) {
        const at = (gxi: number, gyi: number): number => grid[(gyi * G + gxi) * 3 + c]!;
        const v = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
        const n = m === 0 ? 0 : ((noise() >>> 29) - 3.5) * 1.2;
        out[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v + n)));
      }
    }
  }
  return out;
}

export const scalePath = (root: string, f: number, m: number): string =>
  path.join(root, `s${String(Math.floor(f / 1000)).padStart(4, '0')}`, `f${f}-m${m}.jpg`);

/** Family of a seeded path (null for other paths). */
export function familyOf(p: string): number | null {
  const match = /\/f(\d+)-m\d+\.jpg$/.exec(p);
  return match ? Number(match[1]) : null;
}

export interface ScaleSeedOptions {
  model: ScaleModel;
  root: string;
  /** Photos to write. */
  photos: number;
  /** First family to write (families before it are taken to exist already). */
  firstFamily?: number;
  /** Extra members of existing families [0, firstFamily) to add first (an edit made later). */
  extraMembers?: number;
  /** The first five-photo families become real files (for resolve): their hashes are real, their pictures biggest. */
  realFamilies?: number;
  hashFile?: (p: string) => Promise<string>;
  /** Commit every this many photos. */
  batch?: number;
}

export interface ScaleSeedResult {
  modelKey: string;
  photos: number;
  /** One past the last family written. */
  nextFamily: number;
  real: string[];
}

function photoWrite(model: ScaleModel, p: string, f: number, m: number, contentHash: string, size: number, mtimeMs: number, big: boolean): FileWrite {
  const width = big ? 8000 : 4000 - m * 500;
  const pixelThumb = scaleThumb(model, f, m);
  return {
    path: p, size, mtimeMs, status: 'ok',
    meta: { contentHash, width, height: Math.round(width * 0.75), format: 'jpeg', takenAt: null, cameraMake: null, cameraModel: null, orientation: 1, pixelHash: `px:${contentHash}`, pixelThumb, perceptualPrint: perceptualPrint(pixelThumb) },
  };
}

async function realFile(p: string, f: number, m: number, hashFile: (p: string) => Promise<string>): Promise<{ hash: string; size: number; mtimeMs: number }> {
  mkdirSync(path.dirname(p), { recursive: true });
  if (!existsSync(p)) writeFileSync(p, `synthetic photo ${f}-${m}\n`.repeat(50 + m));
  const st = statSync(p);
  return { hash: await hashFile(p), size: st.size, mtimeMs: st.mtimeMs };
}

/** Writes photos (files rows + vectors) family by family; returns where a later call should continue. */
export async function seedScaleLibrary(catalog: Catalog, opts: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const { model, root } = opts;
  const modelKey = catalog.embeddings.registerModel(scaleProvenance, model.dim);
  catalog.roots.add(root);
  const vector = new Float32Array(model.dim);
  const real: string[] = [];
  const items: [f: number, m: number][] = [];
  let f = opts.firstFamily ?? 0;
  // Extra members of existing multi-photo families, spread over them.
  for (let i = 0, g = 0; i < (opts.extraMembers ?? 0) && g < f; g = (g + 7919) % f, i++) items.push([g, 5 + i]);
  while (items.length < opts.photos) {
    for (let m = 0; m < familySize(model, f) && items.length < opts.photos; m++) items.push([f, m]);
    f++;
  }
  const batch = opts.batch ?? 20_000;
  let realLeft = opts.realFamilies ?? 0;
  let realFamily = -1;
  for (let start = 0; start < items.length; start += batch) {
    const rows: FileWrite[] = [];
    for (const [fam, m] of items.slice(start, start + batch)) {
      const p = scalePath(root, fam, m);
      if (m === 0 && realLeft > 0 && familySize(model, fam) === 5 && opts.hashFile) {
        realFamily = fam;
        realLeft--;
      }
      const isReal = fam === realFamily && opts.hashFile !== undefined;
      const file = isReal ? await realFile(p, fam, m, opts.hashFile!) : { hash: `syn:${model.seed}:${fam}:${m}`, size: 1_000_000 + m, mtimeMs: 1_600_000_000_000 + fam };
      if (isReal) real.push(p);
      rows.push(photoWrite(model, p, fam, m, file.hash, file.size, file.mtimeMs, isReal));
    }
    catalog.transaction(() => {
      for (const w of rows) {
        const [fam, m] = [familyOf(w.path)!, Number(/-m(\d+)\.jpg$/.exec(w.path)![1])];
        catalog.files.upsert(w);
        catalog.embeddings.put((w as { meta: { contentHash: string } }).meta.contentHash, modelKey, familyVector(model, fam, m, vector));
      }
    });
  }
  return { modelKey, photos: items.length, nextFamily: f, real };
}
