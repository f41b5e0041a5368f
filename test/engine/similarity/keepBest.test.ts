import { describe, expect, it } from 'vitest';
import { keepRules } from '../../../electron/shared/values.js';
import { DEFAULT_KEEP_POLICY, pickKeeper, type KeepCandidate, type KeepPolicy, type KeepRule } from '../../../electron/engine/similarity/keepBest.js';

const base: KeepCandidate = { path: '/p/a.jpg', size: 1000, width: 100, height: 100, format: 'jpeg', captureTime: null };
const c = (over: Partial<KeepCandidate>): KeepCandidate => ({ ...base, ...over });
const policy = (over: Partial<KeepPolicy> = {}): KeepPolicy => ({ ...DEFAULT_KEEP_POLICY, ...over });

describe('pickKeeper (rules in order, first difference decides)', () => {
  const table: { name: string; members: KeepCandidate[]; policy?: Partial<KeepPolicy>; keeper: number; reason: RegExp }[] = [
    {
      name: 'higher resolution wins over a bigger file',
      members: [c({ path: '/p/small.jpg', width: 50, height: 50, size: 9000 }), c({ path: '/p/big.jpg' })],
      keeper: 1,
      reason: /highest resolution \(100×100\)/,
    },
    {
      name: 'same resolution: the larger file',
      members: [c({ path: '/p/q35.jpg', size: 400 }), c({ path: '/p/q85.jpg', size: 1200 })],
      keeper: 1,
      reason: /largest file/,
    },
    {
      name: 'same size: PNG before JPEG before WebP',
      members: [c({ path: '/p/x.webp', format: 'webp' }), c({ path: '/p/x.jpg', format: 'jpg' }), c({ path: '/p/x.png', format: 'png' })],
      keeper: 2,
      reason: /preferred format \(png\)/,
    },
    {
      name: 'HEIC before PNG',
      members: [c({ path: '/p/x.png', format: 'png' }), c({ path: '/p/x.heic', format: 'heif' })],
      keeper: 1,
      reason: /preferred format \(heif\)/,
    },
    {
      name: 'earliest capture time; a missing time ranks last',
      members: [c({ path: '/p/1.jpg', captureTime: null }), c({ path: '/p/2.jpg', captureTime: 2000 }), c({ path: '/p/3.jpg', captureTime: 1000 })],
      keeper: 2,
      reason: /earliest capture time \(1970-01-01T00:00:01\.000Z\)/,
    },
    {
      name: 'folder priority',
      members: [c({ path: '/downloads/a.jpg' }), c({ path: '/photos/2024/a.jpg' })],
      policy: { folderPriority: ['/photos'] },
      keeper: 1,
      reason: /preferred folder \(\/photos\/2024\)/,
    },
    {
      name: 'shorter path breaks the last tie',
      members: [c({ path: '/p/copy of a.jpg' }), c({ path: '/p/a.jpg' })],
      keeper: 1,
      reason: /shortest path/,
    },
    {
      name: 'rule order is configurable: file size before resolution',
      members: [c({ path: '/p/small.jpg', width: 50, height: 50, size: 9000 }), c({ path: '/p/big.jpg' })],
      policy: { rules: ['fileSize', 'resolution'] satisfies KeepRule[] },
      keeper: 0,
      reason: /largest file/,
    },
    {
      name: 'a reference folder member is kept even at lower resolution',
      members: [c({ path: '/lib/a.jpg', width: 4000, height: 3000 }), c({ path: '/ref/a.jpg' })],
      policy: { referenceRoots: ['/ref'] },
      keeper: 1,
      reason: /in a reference folder/,
    },
  ];

  it.each(table)('$name', ({ members, policy: over, keeper, reason }) => {
    const verdict = pickKeeper(members, policy(over));
    expect(verdict.keeperIndex).toBe(keeper);
    expect(verdict.reasons[keeper]![0]).toBe('keep');
    expect(verdict.reasons[keeper]!.join('; ')).toMatch(reason);
    verdict.reasons.forEach((r, i) => {
      if (i !== keeper) expect(r.length).toBeGreaterThan(0);
    });
  });

  it('does not depend on member order', () => {
    const members = [c({ path: '/p/b.jpg' }), c({ path: '/p/a.jpg' }), c({ path: '/p/c.jpg' })];
    const keep = (ms: KeepCandidate[]) => ms[pickKeeper(ms).keeperIndex]!.path;
    expect(keep(members)).toBe(keep([...members].reverse()));
  });

  it('gives sizes in reasons as the app shows them (formatBytes: 1024-based, no decimal from 100 up)', () => {
    const v = pickKeeper([c({ path: '/p/q35.jpg', size: 400 }), c({ path: '/p/q85.jpg', size: 1229 })]);
    expect(v.reasons).toEqual([['smaller file (400 B < 1.2 KB)'], ['keep', 'largest file (1.2 KB)']]);
    const big = pickKeeper([c({ path: '/p/a.jpg', size: 150 * 1024 }), c({ path: '/p/b.jpg', size: 3 * 1024 ** 3 })]);
    expect(big.reasons).toEqual([['smaller file (150 KB < 3.0 GB)'], ['keep', 'largest file (3.0 GB)']]);
  });

  it('defaults to the product’s keep rules, in their order', () => {
    expect(DEFAULT_KEEP_POLICY.rules).toEqual(keepRules);
  });

  it('marks every reference member, keeper or not', () => {
    const v = pickKeeper([c({ path: '/ref/a.jpg' }), c({ path: '/ref/sub/b.jpg' }), c({ path: '/refx/c.jpg' })], policy({ referenceRoots: ['/ref'] }));
    expect(v.isReference).toEqual([true, true, false]);
    expect(v.reasons[v.keeperIndex === 0 ? 1 : 0]!.join()).toMatch(/never touched/);
  });
});
