// RAW+JPEG pairs: a camera RAW and the JPEG the camera wrote of the same shot. They are two renderings of one
// photo kept on purpose, not a duplicate and its copy, so resolve leaves both alone unless the user opts in to a
// rule (keepBest.ts, report.ts). A pair is one RAW and one JPEG, each in at most one pair:
//   1. same folder and same file name but for the extension (IMG_0042.CR2 + IMG_0042.JPG), case-insensitively;
//   2. else the same capture time and camera (make and model), for a JPEG renamed or filed elsewhere: the one in
//      the RAW's folder, else the only candidate. Several RAWs on one key (a burst within a second) or several
//      JPEGs elsewhere are ambiguous and make no pair, so a lone copy of the JPEG is never mistaken for its twin.
import path from 'node:path';
import type { RawJpegRule } from '../../shared/values.js';

export interface PairCandidate {
  path: string;
  /** Lower-case format as the scanner records it (jpeg, dng, cr2, …). */
  format: string | null;
  captureTime: number | null;
  /** Make and model, as one string; null (or absent) when the file names none. */
  camera?: string | null;
}

export type PairRole = 'raw' | 'jpeg';

export interface PairLink {
  partner: string;
  role: PairRole;
  /** How the two were matched: by folder and name, or by capture time and camera. */
  by: 'name' | 'capture';
}

/** What the keep rules and resolve need to know about pairs. */
export interface PairPolicy {
  of(path: string): PairLink | undefined;
  rule: RawJpegRule;
}

const RAW_FORMATS = new Set(['dng', 'cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2', 'raw']);
// Cameras' own JPEGs often carry an MPF segment (a multi-picture JPEG): one the decoder calls MPO is a JPEG here.
const JPEG_FORMATS = new Set(['jpeg', 'jpg', 'mpo']);

const roleOf = (f: PairCandidate): PairRole | null => {
  const format = f.format?.toLowerCase() ?? '';
  return RAW_FORMATS.has(format) ? 'raw' : JPEG_FORMATS.has(format) ? 'jpeg' : null;
};

const nameKey = (p: string): string => path.join(path.dirname(p), path.parse(p).name).toLowerCase();

/** Every pair of the library, by path, both ways. */
export function findRawJpegPairs(files: Iterable<PairCandidate>): Map<string, PairLink> {
  const raws: PairCandidate[] = [];
  let jpegs: PairCandidate[] = [];
  for (const f of files) {
    const role = roleOf(f);
    if (role === 'raw') raws.push(f);
    else if (role === 'jpeg') jpegs.push(f);
  }
  if (raws.length === 0 || jpegs.length === 0) return new Map();
  // Only a JPEG that shares a RAW's name or capture key can pair: a library of a million JPEGs and a few RAWs
  // sorts those few, not the million.
  const rawNames = new Set(raws.map((r) => nameKey(r.path)));
  const rawCaptures = new Set(raws.map(captureKey));
  jpegs = jpegs.filter((j) => rawNames.has(nameKey(j.path)) || (captureKey(j) !== null && rawCaptures.has(captureKey(j))));
  const byPath = (a: PairCandidate, b: PairCandidate): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  raws.sort(byPath);
  jpegs.sort(byPath);
  const pairs = new Map<string, PairLink>();
  const link = (raw: PairCandidate, jpeg: PairCandidate, by: PairLink['by']): void => {
    pairs.set(raw.path, { partner: jpeg.path, role: 'raw', by });
    pairs.set(jpeg.path, { partner: raw.path, role: 'jpeg', by });
  };
  const jpegByName = new Map<string, PairCandidate>();
  for (const j of jpegs) if (!jpegByName.has(nameKey(j.path))) jpegByName.set(nameKey(j.path), j);
  for (const r of raws) {
    const j = jpegByName.get(nameKey(r.path));
    if (j && !pairs.has(j.path)) link(r, j, 'name');
  }
  pairByCapture(raws.filter((r) => !pairs.has(r.path)), jpegs.filter((j) => !pairs.has(j.path)), link);
  return pairs;
}

const captureKey = (f: PairCandidate): string | null => (f.captureTime === null || !f.camera ? null : `${f.captureTime}|${f.camera.toLowerCase()}`);

function pairByCapture(raws: PairCandidate[], jpegs: PairCandidate[], link: (r: PairCandidate, j: PairCandidate, by: 'capture') => void): void {
  const key = captureKey;
  const group = (list: PairCandidate[]): Map<string, PairCandidate[]> => {
    const out = new Map<string, PairCandidate[]>();
    for (const f of list) {
      const k = key(f);
      if (k !== null) out.set(k, [...(out.get(k) ?? []), f]);
    }
    return out;
  };
  const jpegsByKey = group(jpegs);
  for (const [k, sameKeyRaws] of group(raws)) {
    const candidates = jpegsByKey.get(k) ?? [];
    if (sameKeyRaws.length !== 1 || candidates.length === 0) continue;
    const raw = sameKeyRaws[0]!;
    const beside = candidates.filter((j) => path.dirname(j.path) === path.dirname(raw.path));
    const chosen = beside.length === 1 ? beside[0] : beside.length === 0 && candidates.length === 1 ? candidates[0] : undefined;
    if (chosen) link(raw, chosen, 'capture');
  }
}

/**
 * May resolve act on this pair member? Only when the user's rule drops its role and its partner is the group's
 * keeper (so the shot stays in the library, in the form the user chose).
 */
export function pairAllowsAction(link: PairLink | undefined, keeper: string, rule: RawJpegRule): boolean {
  if (!link) return true;
  const drops: PairRole | null = rule === 'keep-raw' ? 'jpeg' : rule === 'keep-jpeg' ? 'raw' : null;
  return link.role === drops && link.partner === keeper;
}
