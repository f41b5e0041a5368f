// The crawler alone, on real folders: links followed once, aliases and loops not walked twice, globs, hidden.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { crawlRoots, normalizeRoots } from '../../../electron/engine/scan/index.js';

let tmp: string;
const touch = (rel: string): void => {
  mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
  writeFileSync(path.join(tmp, rel), 'x');
};
const rel = (files: string[]): string[] => files.map((f) => path.relative(tmp, f)).sort();

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-crawl-'));
  tmp = normalizeRoots([tmp])[0]!;
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

it('follows a link to a folder outside the root once, and skips links back into the root', async () => {
  touch('lib/a.jpg');
  touch('lib/sub/b.PNG');
  touch('lib/notes.txt');
  touch('elsewhere/c.jpg');
  symlinkSync(path.join(tmp, 'elsewhere'), path.join(tmp, 'lib', 'outside'));
  symlinkSync(path.join(tmp, 'elsewhere'), path.join(tmp, 'lib', 'outside-again'));
  symlinkSync(path.join(tmp, 'lib', 'sub'), path.join(tmp, 'lib', 'alias-of-sub'));
  symlinkSync(path.join(tmp, 'lib', 'a.jpg'), path.join(tmp, 'lib', 'alias-of-a.jpg'));
  symlinkSync('..', path.join(tmp, 'lib', 'sub', 'up'));
  const { files } = await crawlRoots([path.join(tmp, 'lib')]);
  const found = rel(files);
  expect(found.filter((f) => f.endsWith('c.jpg'))).toHaveLength(1);
  expect(found.filter((f) => !f.endsWith('c.jpg'))).toEqual(['lib/a.jpg', 'lib/sub/b.PNG']);
});

it('lists dangling links so the scan can say why they were skipped', async () => {
  touch('lib/a.jpg');
  symlinkSync('nowhere.jpg', path.join(tmp, 'lib', 'dangling.jpg'));
  symlinkSync('loop.jpg', path.join(tmp, 'lib', 'loop.jpg'));
  expect(rel((await crawlRoots([path.join(tmp, 'lib')])).files)).toEqual(['lib/a.jpg', 'lib/dangling.jpg', 'lib/loop.jpg']);
});

it('skips hidden and system folders and dot-files unless asked not to', async () => {
  touch('lib/a.jpg');
  touch('lib/.hidden/b.jpg');
  touch('lib/._a.jpg');
  touch('lib/@eaDir/a.jpg/SYNOPHOTO_THUMB_XL.jpg');
  touch('lib/$RECYCLE.BIN/c.jpg');
  expect(rel((await crawlRoots([path.join(tmp, 'lib')])).files)).toEqual(['lib/a.jpg']);
  expect((await crawlRoots([path.join(tmp, 'lib')], { skipHidden: false })).files).toHaveLength(5);
});

it('matches globs by file name, by path relative to the root, or by absolute path', async () => {
  for (const f of ['lib/a.jpg', 'lib/b.png', 'lib/raw/c.jpg', 'lib/x/thumbs/d.jpg', 'lib/keep/e.jpg']) touch(f);
  const crawl = (o: Parameters<typeof crawlRoots>[1]) => crawlRoots([path.join(tmp, 'lib')], o).then((r) => rel(r.files));
  expect(await crawl({ exclude: ['*.png', 'raw/**', '**/thumbs/**'] })).toEqual(['lib/a.jpg', 'lib/keep/e.jpg']);
  expect(await crawl({ exclude: [path.join(tmp, 'lib', 'keep', '**')] })).not.toContain('lib/keep/e.jpg');
  expect(await crawl({ include: ['**/*.png'] })).toEqual(['lib/b.png']);
});

it('walks a root nested in another root once', async () => {
  touch('lib/sub/a.jpg');
  const { files } = await crawlRoots([path.join(tmp, 'lib', 'sub'), path.join(tmp, 'lib')]);
  expect(rel(files)).toEqual(['lib/sub/a.jpg']);
});
