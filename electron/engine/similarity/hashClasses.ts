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
  /** The first file with each file's content hash: equal for two files exactly when their bytes are. */
  contentOf: Int32Array;
}

export interface HashUnitOptions {
  /** Content-hash pairs marked "not a duplicate": never joined by the (judgement-based) rotated-copy rule. */
  notDuplicate?: readonly (readonly [string, string])[];
}

/** Union-find roots of the exact relations (equal content hash or equal pixel hash), and each file's first file of its content. */
function exactRoots(files: readonly HashedFile[]): { root: Int32Array; contentOf: Int32Array } {
  const parent = new Int32Array(files.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
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
  const contentOf = new Int32Array(files.length);
  files.forEach((f, i) => {
    const c = firstByContent.get(f.contentHash);
    if (c === undefined) firstByContent.set(f.contentHash, i);
    else union(c, i);
    contentOf[i] = c ?? i;
    if (f.pixelHash) {
      const p = firstByPixels.get(f.pixelHash);
      if (p === undefined) firstByPixels.set(f.pixelHash, i);
      else union(p, i);
    }
  });
  const root = new Int32Array(files.length);
  for (let i = 0; i < root.length; i++) root[i] = find(i);
  return { root, contentOf };
}

/** What the rotated-copy rule needs of an exact unit, or null when a file lacks it (no thumbnail yet, no size). */
function unitPicture(files: readonly HashedFile[], members: readonly number[]): UnitPicture | null {
  // The picture first: most units have none (no thumbnail loaded), and need no set of tags.
  let picture: { width: number; height: number; thumb: Uint8Array } | null = null;
  for (const i of members) {
    const f = files[i]!;
    if (f.width && f.height && isPixelThumb(f.pixelThumb)) {
      picture = { width: f.width, height: f.height, thumb: f.pixelThumb };
      break;
    }
  }
  if (!picture) return null;
  const tags = new Set<number>();
  for (const i of members) tags.add(files[i]!.orientation ?? 1);
  return { ...picture, tags };
}

export function hashUnits(files: readonly HashedFile[], opts: HashUnitOptions = {}): HashUnits {
  const { root, contentOf } = exactRoots(files);
  // Exact units, numbered by first file (typed arrays for maps: a root is a file, a set is an exact unit).
  const exactOfRoot = new Int32Array(files.length).fill(-1);
  const exactMembers: number[][] = [];
  const exactOf = new Int32Array(files.length);
  for (let i = 0; i < files.length; i++) {
    let e = exactOfRoot[root[i]!]!;
    if (e < 0) {
      e = exactMembers.length;
      exactOfRoot[root[i]!] = e;
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
  const unitOfSet = new Int32Array(exactMembers.length).fill(-1);
  const members: number[][] = [];
  for (let i = 0; i < files.length; i++) {
    const set = setOf[exactOf[i]!]!;
    let u = unitOfSet[set]!;
    if (u < 0) {
      u = members.length;
      unitOfSet[set] = u;
      members.push([]);
    }
    unitOf[i] = u;
    members[u]!.push(i);
  }
  return { unitOf, members, contentOf };
}
