// The two hash tiers are equivalence relations (equal bytes, equal oriented pixels), so they may chain freely:
// a union-find over files gives "units", each a set of files that are provably the same picture. Only units
// take part in the embedding tiers, which must not chain.

export interface HashedFile {
  path: string;
  contentHash: string;
  /** Hash of the decoded pixels after EXIF orientation; null when the file could not be decoded. */
  pixelHash: string | null;
}

export interface HashUnits {
  /** unitOf[fileIndex] = unit index. */
  unitOf: Int32Array;
  /** File indexes of every unit, in input order. */
  members: number[][];
}

export function hashUnits(files: readonly HashedFile[]): HashUnits {
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
  const unitOf = new Int32Array(files.length);
  const unitOfRoot = new Map<number, number>();
  const members: number[][] = [];
  for (let i = 0; i < files.length; i++) {
    const root = find(i);
    let u = unitOfRoot.get(root);
    if (u === undefined) {
      u = members.length;
      unitOfRoot.set(root, u);
      members.push([]);
    }
    unitOf[i] = u;
    members[u]!.push(i);
  }
  return { unitOf, members };
}
