import { describe, expect, it } from 'vitest';
import type { ScannedFile } from '../../../electron/engine/resolve/fileGuard.js';
import { planResolution } from '../../../electron/engine/resolve/plan.js';
import { createGrouper } from '../../../electron/engine/similarity/grouping.js';
import { DEFAULT_KEEP_POLICY } from '../../../electron/engine/similarity/keepBest.js';
import { buildReport, type ReportableFile } from '../../../electron/engine/similarity/report.js';
import { exactTopK } from '../../../electron/engine/similarity/exactTopK.js';
import { packEmbeddings } from '../../../electron/engine/similarity/embeddingMatrix.js';

type F = ReportableFile & ScannedFile;
const file = (p: string, hash: string, width = 100, pixelHash: string | null = null): F => ({
  path: p, contentHash: hash, pixelHash, size: 1000, mtimeMs: 1, width, height: 100, format: 'jpeg', captureTime: null,
});

describe('resolution plan', () => {
  const files = [
    file('/ref/a.jpg', 'h1', 50), // reference copy: kept even though smaller
    file('/ref/old/a.jpg', 'h1', 50), // a second reference copy: never touched either
    file('/lib/a.jpg', 'h1', 50),
    file('/lib/big.jpg', 'h2', 400),
    file('/lib/excluded/a.jpg', 'h1', 50),
    file('/lib/x.jpg', 'h3'),
    file('/lib/x-burst.jpg', 'h4'),
  ];
  // h2 is a near-duplicate of h1 (a bigger version); h3/h4 only "similar".
  const v = (deg: number) => new Float32Array([Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)]);
  const graph = exactTopK(packEmbeddings([v(0), v(5), v(90), v(110)]), { k: 4 });
  const rowOfHash = new Map([['h1', 0], ['h2', 1], ['h3', 2], ['h4', 3]]);
  const groups = createGrouper({ files, rowOfHash, graph }).group({ threshold: 95 });
  const policy = { ...DEFAULT_KEEP_POLICY, referenceRoots: ['/ref'] };
  const report = buildReport(groups, 95, policy, (p) => p.startsWith('/lib/excluded/'));
  const byPath = new Map(files.map((f) => [f.path, f]));

  it('keeps a reference member and never targets reference or excluded files', () => {
    const main = report.groups.find((g) => g.members.some((m) => m.path === '/lib/big.jpg'))!;
    expect(main.keep).toBe('/ref/a.jpg');
    const actions = planResolution(report, byPath, { kind: 'trash' });
    expect(actions.map((a) => a.file.path).sort()).toEqual(['/lib/a.jpg', '/lib/big.jpg']);
    expect(actions.every((a) => a.keeper.path === '/ref/a.jpg')).toBe(true);
    expect(main.members.find((m) => m.path === '/ref/old/a.jpg')!.reasons.join()).toMatch(/never touched/);
    expect(main.members.find((m) => m.path === '/lib/excluded/a.jpg')!.reasons.join()).toMatch(/excluded/);
  });

  it('leaves the similar band alone', () => {
    expect(report.groups.map((g) => g.tier)).toContain('similar');
    const actions = planResolution(report, byPath, { kind: 'move', destDir: '/dupes' });
    expect(actions.some((a) => a.file.path.startsWith('/lib/x'))).toBe(false);
  });
});
