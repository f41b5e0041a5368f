// RAW+JPEG pair detection, the keeper it implies and what resolve may touch, on plain file facts.
import { describe, expect, it } from 'vitest';
import { pickKeeper, DEFAULT_KEEP_POLICY, type KeepCandidate } from '../../../electron/engine/similarity/keepBest.js';
import { findRawJpegPairs, type PairCandidate } from '../../../electron/engine/similarity/rawJpegPairs.js';
import { actionTargets, buildReport } from '../../../electron/engine/similarity/report.js';
import type { RawJpegRule } from '../../../electron/shared/values.js';

const T = Date.parse('2024-05-01T10:00:00');
const file = (path: string, format: string, captureTime: number | null = null, camera: string | null = null): PairCandidate => ({ path, format, captureTime, camera });
const partners = (files: PairCandidate[]): Record<string, string> =>
  Object.fromEntries([...findRawJpegPairs(files)].map(([p, link]) => [p, `${link.partner} (${link.role}, ${link.by})`]));

describe('findRawJpegPairs', () => {
  it('pairs the same folder and name, case-insensitively, and only one JPEG per RAW', () => {
    expect(partners([
      file('/p/IMG_0042.CR2', 'cr2'), file('/p/img_0042.jpg', 'jpeg'), file('/backup/IMG_0042.JPG', 'jpeg'),
      file('/p/IMG_0043.NEF', 'nef'), file('/p/IMG_0044.JPG', 'jpeg'),
      // A camera JPEG with a multi-picture (MPF) segment is still the JPEG of the pair.
      file('/p/DSCF0045.RAF', 'raf'), file('/p/DSCF0045.JPG', 'mpo'),
    ])).toEqual({
      '/p/IMG_0042.CR2': '/p/img_0042.jpg (raw, name)',
      '/p/img_0042.jpg': '/p/IMG_0042.CR2 (jpeg, name)',
      '/p/DSCF0045.RAF': '/p/DSCF0045.JPG (raw, name)',
      '/p/DSCF0045.JPG': '/p/DSCF0045.RAF (jpeg, name)',
    });
  });

  it('pairs by capture time and camera when the name differs: beside the RAW first, else the only candidate', () => {
    expect(partners([
      file('/p/DSC_1.NEF', 'nef', T, 'NIKON Z6'), file('/p/holiday.jpg', 'jpeg', T, 'nikon z6'), file('/elsewhere/holiday.jpg', 'jpeg', T, 'NIKON Z6'),
      file('/q/DSC_2.ARW', 'arw', T + 1000, 'SONY A7'), file('/exports/DSC_2-edit.jpg', 'jpeg', T + 1000, 'SONY A7'),
    ])).toEqual({
      '/p/DSC_1.NEF': '/p/holiday.jpg (raw, capture)',
      '/p/holiday.jpg': '/p/DSC_1.NEF (jpeg, capture)',
      '/q/DSC_2.ARW': '/exports/DSC_2-edit.jpg (raw, capture)',
      '/exports/DSC_2-edit.jpg': '/q/DSC_2.ARW (jpeg, capture)',
    });
  });

  it('makes no pair when the match is ambiguous or facts are missing', () => {
    expect(partners([
      // A burst: two RAWs in one second.
      file('/b/A.CR3', 'cr3', T, 'Canon R5'), file('/b/B.CR3', 'cr3', T, 'Canon R5'), file('/b/x.jpg', 'jpeg', T, 'Canon R5'),
      // Two JPEG candidates, neither beside the RAW.
      file('/c/C.DNG', 'dng', T + 5000, 'Pixel'), file('/d/1.jpg', 'jpeg', T + 5000, 'Pixel'), file('/e/2.jpg', 'jpeg', T + 5000, 'Pixel'),
      // Another camera, no capture time, and a PNG of the same name.
      file('/f/D.RAF', 'raf', T, 'FUJIFILM X-T3'), file('/f/other.jpg', 'jpeg', T, 'Canon R5'), file('/f/E.ORF', 'orf', null, null), file('/f/E.png', 'png'),
    ])).toEqual({});
  });
});

const candidate = (path: string, format: string, size: number): KeepCandidate & { contentHash: string; pixelHash: null; orientation: null; pixelThumb: null } =>
  ({ path, format, size, width: 100, height: 100, captureTime: null, contentHash: path, pixelHash: null, orientation: null, pixelThumb: null });

function reportOf(rule: RawJpegRule) {
  const members = [candidate('/p/IMG_1.jpg', 'jpeg', 5_000), candidate('/backup/big-copy.jpg', 'jpeg', 9_000), candidate('/p/IMG_1.CR2', 'cr2', 20_000)];
  const pairs = findRawJpegPairs(members.map((m) => ({ ...m, camera: null })));
  const policy = { ...DEFAULT_KEEP_POLICY, rules: ['resolution', 'fileSize', 'pathLength'] as const, pairs: { of: (p: string) => pairs.get(p), rule } };
  const group = { tier: 'near-duplicate' as const, members: members.map((file) => ({ file, tier: 'near-duplicate' as const, match: 'near-duplicate' as const, score: 99 })) };
  return { report: buildReport([group], 93, policy), policy, members };
}

describe('pairs in keep-best and resolve', () => {
  it('by default a pair member is kept and its partner is never a target; a lone copy still is', () => {
    const { report } = reportOf('keep-both');
    const g = report.groups[0]!;
    // The CR2 is the largest file of the pair; the copy is bigger than the pair's JPEG but is no pair member.
    expect(g.keep).toBe('/p/IMG_1.CR2');
    expect(actionTargets(g).map((m) => m.path)).toEqual(['/backup/big-copy.jpg']);
    const jpeg = g.members.find((m) => m.path === '/p/IMG_1.jpg')!;
    expect(jpeg.reasons).toContain('one of a RAW+JPEG pair: never touched unless a pair keep rule says so');
    expect(g.members.find((m) => m.path === '/backup/big-copy.jpg')!.reasons).toEqual(['not one of a RAW+JPEG pair']);
  });

  it('a user choosing the lone copy as keeper still leaves both pair members alone', () => {
    const { report } = reportOf('keep-raw');
    const g = { ...report.groups[0]!, keep: '/backup/big-copy.jpg' };
    g.members = g.members.map((m) => ({ ...m, isKeeper: m.path === g.keep }));
    expect(actionTargets(g)).toEqual([]);
  });

  it('keep-raw drops the JPEG with its RAW kept; keep-jpeg the reverse', () => {
    const raw = reportOf('keep-raw').report.groups[0]!;
    expect(raw.keep).toBe('/p/IMG_1.CR2');
    expect(actionTargets(raw).map((m) => m.path).sort()).toEqual(['/backup/big-copy.jpg', '/p/IMG_1.jpg']);
    expect(raw.members.find((m) => m.path === '/p/IMG_1.jpg')!.reasons).toEqual(['the JPEG of a RAW+JPEG pair (keep rule: keep the RAW)']);
    const jpeg = reportOf('keep-jpeg').report.groups[0]!;
    expect(jpeg.keep).toBe('/p/IMG_1.jpg');
    expect(actionTargets(jpeg).map((m) => m.path).sort()).toEqual(['/backup/big-copy.jpg', '/p/IMG_1.CR2']);
  });

  it('without pairs the keeper is the plain rules\' choice', () => {
    const { members } = reportOf('keep-both');
    expect(members[pickKeeper(members, { ...DEFAULT_KEEP_POLICY, rules: ['fileSize'] }).keeperIndex]!.path).toBe('/p/IMG_1.CR2');
    expect(members[pickKeeper(members.slice(0, 2), { ...DEFAULT_KEEP_POLICY, rules: ['fileSize'] }).keeperIndex]!.path).toBe('/backup/big-copy.jpg');
  });
});
