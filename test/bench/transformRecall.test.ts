// The quality bench's scoring of any tool's groups against truth.json, and its reading of findimagedupes' output.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGroups } from '../../bench/peers/findimagedupes.js';
import { readTruth, recallTable, scoreGroups, type Truth } from '../../bench/transformRecall.js';

let dir: string;
let truth: Truth;
const at = (p: string) => path.join(dir, p);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookalike-recall-'));
  const member = (id: string, transform: string) => ({ path: `variants/${id}__${transform}.jpg`, transform, difficulty: 'easy' });
  await writeFile(
    at('truth.json'),
    JSON.stringify({
      version: 1,
      groups: ['a', 'b'].map((id) => ({ id, original: `originals/${id}.jpg`, members: [member(id, 'copy'), member(id, 'flip_h')] })),
    }),
  );
  truth = await readTruth(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('per-transform recall', () => {
  it('counts a copy only when it shares a group with its original, and counts groups mixing originals', () => {
    const score = scoreGroups(truth, [
      [at('originals/a.jpg'), at('variants/a__copy.jpg')],
      // b's copy found, but with a's mirror: a false merge, and a's mirror is not with a.
      [at('originals/b.jpg'), at('variants/b__copy.jpg'), at('variants/a__flip_h.jpg')],
      // b's mirror is only with another copy, not its original.
      [at('variants/b__flip_h.jpg'), at('variants/a__copy.jpg')],
    ]);
    expect(score.recall).toEqual({ copy: { found: 2, total: 2 }, flip_h: { found: 0, total: 2 } });
    expect(score.mixedGroups).toBe(2);
    expect(recallTable(truth.transforms, [{ name: 'tool', score, wallSeconds: 1.25 }]).split('\n')).toEqual([
      '| transform | tool |',
      '| --- | --- |',
      '| copy | 2/2 |',
      '| flip_h | 0/2 |',
      '| groups mixing two originals | 2 |',
      '| groups reported | 3 |',
      '| wall time | 1.3 s |',
    ]);
  });

  it("reads findimagedupes' lines of space-separated paths, a path with a space included", () => {
    const files = new Set(['/p/a.jpg', '/p/my photo.jpg', '/p/c.jpg']);
    expect(parseGroups('/p/a.jpg /p/my photo.jpg\n/p/c.jpg\n\n', files)).toEqual([['/p/a.jpg', '/p/my photo.jpg']]);
  });
});
