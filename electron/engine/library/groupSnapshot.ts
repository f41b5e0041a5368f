// One grouping in a compact form the catalog keeps (catalog/groupSnapshots.ts): every group's members as file
// ids with their tier, match, score, cosine and fingerprint distance to the representative, plus what a page's
// totals need per group (its tier, files and reclaimable bytes). A page of groups is made again from it by
// reading only that page's files: the Review of a million photos opens without loading the library.
import { createHash } from 'node:crypto';
import { matchReasons, tiers, type Tier } from '../../shared/values.js';
import type { DuplicateGroup } from '../similarity/grouping.js';
import type { PairLink } from '../similarity/rawJpegPairs.js';
import { reclaimableBytes, type DuplicateReport } from '../similarity/report.js';
import type { ScoreScale } from '../similarity/threshold.js';
import type { LibraryFile } from './catalogView.js';

const FORMAT = 1;

/** Everything a grouping depends on besides the catalog's rows (which the change counter covers). */
export interface SnapshotInputs {
  modelKey: string;
  threshold: number;
  scale: ScoreScale;
  perceptualDistance: number;
  settings: { keepRules: readonly string[]; preferFolders: readonly string[]; excludeGlobs: readonly string[]; rawJpegPairs: string };
}

export function snapshotKey(inputs: SnapshotInputs): string {
  const { modelKey, threshold, scale, perceptualDistance, settings } = inputs;
  const facts = { FORMAT, modelKey, threshold, scale, perceptualDistance, ...settings };
  return createHash('sha1').update(JSON.stringify(facts)).digest('hex');
}

/** A member of a snapshot group: its file id and how it relates to the representative (GroupMember less the file). */
export interface SnapshotMember {
  fileId: number;
  tier: Tier;
  match: DuplicateGroup<LibraryFile>['members'][number]['match'];
  score: number;
  cosine: number;
  hamming: number | null;
}

interface Header {
  pairs: Record<string, PairLink>;
}

/** One group as kept: its tier, what resolving it frees, its members (representative first). */
export interface SnapshotGroup {
  tier: Tier;
  reclaimable: number;
  members: SnapshotMember[];
}

/** The kept form, column by column: group g's members are [groupStart[g], groupStart[g + 1]). */
class SnapshotColumns {
  readonly groupTier: Uint8Array;
  readonly groupStart: Uint32Array;
  readonly reclaimable: Float64Array;
  readonly fileId: Int32Array;
  readonly memberTier: Uint8Array;
  readonly match: Uint8Array;
  readonly hamming: Int16Array;
  readonly score: Float64Array;
  readonly cosine: Float64Array;
  #groups = 0;
  #members = 0;

  constructor(groups: number, members: number, from?: ArrayBuffer[]) {
    const [t, s, r, f, mt, ma, h, sc, co] = from ?? [];
    this.groupTier = t ? new Uint8Array(t) : new Uint8Array(groups);
    this.groupStart = s ? new Uint32Array(s) : new Uint32Array(groups + 1);
    this.reclaimable = r ? new Float64Array(r) : new Float64Array(groups);
    this.fileId = f ? new Int32Array(f) : new Int32Array(members);
    this.memberTier = mt ? new Uint8Array(mt) : new Uint8Array(members);
    this.match = ma ? new Uint8Array(ma) : new Uint8Array(members);
    this.hamming = h ? new Int16Array(h) : new Int16Array(members);
    this.score = sc ? new Float64Array(sc) : new Float64Array(members);
    this.cosine = co ? new Float64Array(co) : new Float64Array(members);
  }

  static readonly BYTES = [1, 4, 8, 4, 1, 1, 2, 8, 8] as const;
  /** Byte length of each column, in encoding order. */
  static lengths(groups: number, members: number): number[] {
    return SnapshotColumns.BYTES.map((b, i) => b * (i < 3 ? groups + (i === 1 ? 1 : 0) : members));
  }

  add(group: SnapshotGroup): void {
    const g = this.#groups++;
    this.groupTier[g] = tiers.indexOf(group.tier);
    this.groupStart[g] = this.#members;
    this.reclaimable[g] = group.reclaimable;
    for (const m of group.members) {
      const at = this.#members++;
      this.fileId[at] = m.fileId;
      this.memberTier[at] = tiers.indexOf(m.tier);
      this.match[at] = matchReasons.indexOf(m.match);
      this.hamming[at] = m.hamming ?? -1;
      this.score[at] = m.score;
      this.cosine[at] = m.cosine;
    }
    this.groupStart[g + 1] = this.#members;
  }

  /** Group g of another grouping, as it is. */
  copy(from: SnapshotColumns, g: number): void {
    const to = this.#groups++;
    this.groupTier[to] = from.groupTier[g]!;
    this.groupStart[to] = this.#members;
    this.reclaimable[to] = from.reclaimable[g]!;
    for (let i = from.groupStart[g]!; i < from.groupStart[g + 1]!; i++) {
      const at = this.#members++;
      this.fileId[at] = from.fileId[i]!;
      this.memberTier[at] = from.memberTier[i]!;
      this.match[at] = from.match[i]!;
      this.hamming[at] = from.hamming[i]!;
      this.score[at] = from.score[i]!;
      this.cosine[at] = from.cosine[i]!;
    }
    this.groupStart[to + 1] = this.#members;
  }

  encode(pairs: ReadonlyMap<string, PairLink>): Uint8Array {
    const header: Header = { pairs: Object.fromEntries(pairs) };
    const json = Buffer.from(JSON.stringify(header));
    const counts = new Uint32Array([FORMAT, json.length, this.groupTier.length, this.fileId.length]);
    const parts = [counts, json, this.groupTier, this.groupStart, this.reclaimable, this.fileId, this.memberTier, this.match, this.hamming, this.score, this.cosine];
    return Buffer.concat(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)));
  }
}

/** The kept form of groups (in the report's order) and the RAW+JPEG pair links of their members. */
export function encodeGroups(groups: readonly SnapshotGroup[], pairs: ReadonlyMap<string, PairLink>): Uint8Array {
  const out = new SnapshotColumns(groups.length, groups.reduce((n, g) => n + g.members.length, 0));
  for (const g of groups) out.add(g);
  return out.encode(pairs);
}

/**
 * A grouping and its report (same order), kept; null when a member has no catalog id (files that did not come
 * from the catalog cannot be read back).
 */
export function encodeSnapshot(groups: readonly DuplicateGroup<LibraryFile>[], report: DuplicateReport, fileOf: ReadonlyMap<string, LibraryFile>, pairs: ReadonlyMap<string, PairLink>): Uint8Array | null {
  const kept: SnapshotGroup[] = [];
  const links = new Map<string, PairLink>();
  for (const [i, group] of groups.entries()) {
    const reclaimable = reclaimableBytes(report.groups[i]!, (p) => fileOf.get(p)?.size);
    const members: SnapshotMember[] = [];
    for (const { file, tier, match, score, cosine, hamming } of group.members) {
      if (file.id === undefined) return null;
      members.push({ fileId: file.id, tier, match, score, cosine, hamming });
      const pair = pairs.get(file.path);
      if (pair) links.set(file.path, pair);
    }
    kept.push({ tier: group.tier, reclaimable, members });
  }
  return encodeGroups(kept, links);
}

/** A decoded snapshot: groups by index, totals per tier filter, and members read back as files on demand. */
export class GroupSnapshot {
  private constructor(
    private readonly columns: SnapshotColumns,
    readonly pairs: ReadonlyMap<string, PairLink>,
  ) {}

  /** Null for a body this build does not read (another format): the library is grouped afresh then. */
  static decode(body: Uint8Array): GroupSnapshot | null {
    if (body.byteLength < 16) return null;
    // Copies of the bytes: a Buffer's slice is a view into a shared pool, and typed views need aligned offsets.
    const copy = (start: number, end: number): ArrayBuffer => new Uint8Array(body.buffer, body.byteOffset + start, end - start).slice().buffer;
    const [format, json, g, m] = new Uint32Array(copy(0, 16));
    if (format !== FORMAT) return null;
    let at = 16;
    const header = JSON.parse(Buffer.from(body.subarray(at, at + json!)).toString()) as Header;
    at += json!;
    const buffers = SnapshotColumns.lengths(g!, m!).map((bytes) => copy(at, (at += bytes)));
    if (at !== body.byteLength) return null;
    return new GroupSnapshot(new SnapshotColumns(g!, m!, buffers), new Map(Object.entries(header.pairs)));
  }

  get groups(): number {
    return this.columns.groupTier.length;
  }

  tier(g: number): Tier {
    return tiers[this.columns.groupTier[g]!]!;
  }

  /** Groups per tier (every tier, 0 where none). */
  tierCounts(): Record<Tier, number> {
    const counts = Object.fromEntries(tiers.map((t) => [t, 0])) as Record<Tier, number>;
    for (const t of this.columns.groupTier) counts[tiers[t]!]++;
    return counts;
  }

  /** Indexes of the groups in these tiers (all when null), in the report's order. */
  matching(wanted: readonly Tier[] | null): number[] {
    const out: number[] = [];
    for (let g = 0; g < this.groups; g++) if (wanted === null || wanted.includes(this.tier(g))) out.push(g);
    return out;
  }

  totals(groups: readonly number[]): { groups: number; files: number; reclaimableBytes: number } {
    let files = 0;
    let reclaimableBytes = 0;
    for (const g of groups) files += this.columns.groupStart[g + 1]! - this.columns.groupStart[g]!, (reclaimableBytes += this.columns.reclaimable[g]!);
    return { groups: groups.length, files, reclaimableBytes };
  }

  members(g: number): SnapshotMember[] {
    const out: SnapshotMember[] = [];
    for (let i = this.columns.groupStart[g]!; i < this.columns.groupStart[g + 1]!; i++) {
      const h = this.columns.hamming[i]!;
      out.push({ fileId: this.columns.fileId[i]!, tier: tiers[this.columns.memberTier[i]!]!, match: matchReasons[this.columns.match[i]!]!, score: this.columns.score[i]!, cosine: this.columns.cosine[i]!, hamming: h < 0 ? null : h });
    }
    return out;
  }

  /** The group holding this file (by catalog id), or -1. */
  groupOfFile(fileId: number): number {
    const at = this.columns.fileId.indexOf(fileId);
    if (at < 0) return -1;
    let lo = 0;
    let hi = this.groups - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.columns.groupStart[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** This grouping with some groups changed (null: gone), encoded; the rest are copied as they are, in order. */
  patched(changes: ReadonlyMap<number, SnapshotGroup | null>): Uint8Array {
    let groups = 0;
    let members = 0;
    for (let g = 0; g < this.groups; g++) {
      const change = changes.get(g);
      if (change === null) continue;
      groups++, (members += change ? change.members.length : this.columns.groupStart[g + 1]! - this.columns.groupStart[g]!);
    }
    const out = new SnapshotColumns(groups, members);
    for (let g = 0; g < this.groups; g++) {
      const change = changes.get(g);
      if (change) out.add(change);
      else if (change === undefined) out.copy(this.columns, g);
    }
    return out.encode(this.pairs);
  }

  /** The group as the grouper made it, its members' files read back (null when one is no longer an ok file). */
  group(g: number, files: ReadonlyMap<number, LibraryFile>): DuplicateGroup<LibraryFile> | null {
    return withFiles(this.tier(g), this.members(g), files);
  }
}

/** Kept members as a grouper's group, their files read back (null when one is no longer an ok file). */
export function withFiles(tier: Tier, kept: readonly SnapshotMember[], files: ReadonlyMap<number, LibraryFile>): DuplicateGroup<LibraryFile> | null {
  const members: DuplicateGroup<LibraryFile>['members'] = [];
  for (const { fileId, ...m } of kept) {
    const file = files.get(fileId);
    if (!file) return null;
    members.push({ file, ...m });
  }
  return { tier, members };
}
