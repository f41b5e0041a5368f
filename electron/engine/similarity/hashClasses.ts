// "Units": sets of files that are provably the same picture. Two relations build them:
//   - equal bytes or equal upright pixels (content hash, pixel hash): equivalence relations, so they chain freely
//     through a union-find;
//   - lossy EXIF-rotated copies (rotatedCopies.ts): pixel-hash units whose thumbnails agree within re-encode
//     noise and whose Orientation tags differ. Not transitive, so joined complete-linkage, never chained.
// Only units take part in the embedding tiers, which must not chain.
import { isPixelThumb } from './pixelThumb.js';
import { mergeRotatedCopies, type UnitPicture } from './rotatedCopies.js';

export interface HashedFile {
  path: string;
  contentHash: string;
  /** Hash of the decoded pixels after EXIF orientation; null when the file could not be decoded. */
  pixelHash: string | null;
  /** The EXIF Orientation the decoder applied (null/absent: 1). */
  orientation?: number | null;
  /** Upright size. */
  width?: number | null;
  height?: number | null;
  /** 32×32 upright RGB thumbnail (pixelThumb.ts); absent for files scanned before it was kept. */
  pixelThumb?: Uint8Array | null;
  /** Perceptual fingerprint of the thumbnail (perceptualHash.ts); absent when it has none. */
  perceptualPrint?: Uint8Array | null;
}

export interface HashUnits {
  /** unitOf[fileIndex] = unit index. */
  unitOf: Int32Array;
  /** File indexes of every unit, in input order. */
  members: number[][];
}

export interface HashUnitOptions {
  /** Content-hash pairs marked "not a duplicate": never joined by the (judgement-based) rotated-copy rule. */
  notDuplicate?: readonly (readonly [string, string])[];
}

/** Union-find roots of the exact relations (equal content hash or equal pixel hash). */
function exactRoots(files: readonly HashedFile[]): Int32Array {
  const parent = new Int32Array(files.length).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x]! !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstByContent = new Map<string, number>();
  const firstByPixels = new Map<string, number>();
  files.forEach((f, i) => {
    const c = firstByContent.get(f.contentHash);
    if (c === undefined) firstByContent.set(f.contentHash, i);
    else union(c, i);
    if (f.pixelHash) {
      const p = firstByPixels.get(f.pixelHash);
      if (p === undefined) firstByPixels.set(f.pixelHash, i);
      else union(p, i);
    }
  });
  return parent.map((_, i) => find(i));
}

/** What the rotated-copy rule needs of an exact unit, or null when a file lacks it (no thumbnail yet, no size). */
function unitPicture(files: readonly HashedFile[], members: readonly number[]): UnitPicture | null {
  const tags = new Set<number>();
  let picture: { width: number; height: number; thumb: Uint8Array } | null = null;
  for (const i of members) {
    const f = files[i]!;
    tags.add(f.orientation ?? 1);
    if (!picture && f.width && f.height && isPixelThumb(f.pixelThumb)) {
      picture = { width: f.width, height: f.height, thumb: f.pixelThumb };
    }
  }
  return picture && { ...picture, tags };
}

export function hashUnits(files: readonly HashedFile[], opts: HashUnitOptions = {}): HashUnits {
  const root = exactRoots(files);
  // Exact units, numbered by first file.
  const exactOfRoot = new Map<number, number>();
  const exactMembers: number[][] = [];
  const exactOf = new Int32Array(files.length);
  for (let i = 0; i < files.length; i++) {
    let e = exactOfRoot.get(root[i]!);
    if (e === undefined) {
      e = exactMembers.length;
      exactOfRoot.set(root[i]!, e);
      exactMembers.push([]);
    }
    exactOf[i] = e;
    exactMembers[e]!.push(i);
  }

  const blockedKeys = new Set((opts.notDuplicate ?? []).map(([a, b]) => (a < b ? `${a}|${b}` : `${b}|${a}`)));
  const isBlocked = (x: number, y: number): boolean => {
    if (blockedKeys.size === 0) return false;
    for (const fx of exactMembers[x]!) {
      for (const fy of exactMembers[y]!) {
        const a = files[fx]!.contentHash;
        const b = files[fy]!.contentHash;
        if (blockedKeys.has(a < b ? `${a}|${b}` : `${b}|${a}`)) return true;
      }
    }
    return false;
  };
  const setOf = mergeRotatedCopies(exactMembers.map((m) => unitPicture(files, m)), isBlocked);

  const unitOf = new Int32Array(files.length);
  const unitOfSet = new Map<number, number>();
  const members: number[][] = [];
  for (let i = 0; i < files.length; i++) {
    const set = setOf[exactOf[i]!]!;
    let u = unitOfSet.get(set);
    if (u === undefined) {
      u = members.length;
      unitOfSet.set(set, u);
      members.push([]);
    }
    unitOf[i] = u;
    members[u]!.push(i);
  }
  return { unitOf, members };
}
