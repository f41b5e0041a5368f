// The Library as the app's engine process serves it (the contract's EngineApi over the Library), on a real catalog in a temp folder, the generated tiny model and the fixture
// photos: scan (with progress, and paused in place), groups with the engine's keep-best reasons, trash into a
// real freedesktop trash under a temp XDG_DATA_HOME and undo, "not a duplicate" and its undo, resolve-all as one
// undoable batch, search by example and result export.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { openLibrary, type Library, type ScanOutcome } from '../../../electron/engine/library/index.js';
import { PauseGate } from '../../../electron/engine/scan/pause.js';
import { findTrashed } from '../../../electron/engine/resolve/freedesktopTrash.js';
import { createEngineApi } from '../../../electron/engineProcess/api.js';
import type { DuplicateGroup, EngineApi, JobProgressView, KeepRule } from '../../../electron/shared/contract.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

const FILES = [
  'originals/skimage_chelsea.jpg',
  'variants/skimage_chelsea__copy.jpg',
  'variants/skimage_chelsea__resize50.jpg',
  'originals/skimage_coffee.jpg',
  'variants/skimage_coffee__webp.webp',
  'originals/skimage_astronaut.jpg',
];

let tmp: string;
let library: string;
interface Services {
  library: Library;
  calls: EngineApi;
  close(): Promise<void>;
}
let services: Services;
let previousXdg: string | undefined;
const at = (name: string) => path.join(library, name);
const chelsea = () => at('skimage_chelsea.jpg');
const copy = () => at('skimage_chelsea__copy.jpg');
const resized = () => at('skimage_chelsea__resize50.jpg');

async function makeServices(dataDir: string): Promise<Services> {
  const lib = await openLibrary({ dataDir, env: process.env, engine: { device: 'cpu', threads: 1, modelDir: await tinyModelDir() } });
  return { library: lib, calls: createEngineApi(lib), close: () => lib.close() };
}

async function scan(s: Services, gate = new PauseGate(), progress: JobProgressView[] = [], root = library): Promise<ScanOutcome> {
  return s.library.scan({ roots: [root] }, { signal: new AbortController().signal, onProgress: (p) => progress.push(p), pause: gate });
}

async function withKeepRules<T>(s: Services, keepRules: KeepRule[], body: () => Promise<T>): Promise<T> {
  const before = (await s.calls.getSettings(undefined)).keepRules;
  await s.calls.setSettings({ keepRules });
  try {
    return await body();
  } finally {
    await s.calls.setSettings({ keepRules: before });
  }
}

// The tiny generated model has random weights: it tells photos apart only at high thresholds (at 90 chelsea and
// coffee look alike to it), so these tests group at 98, and at 100 where only byte and pixel copies group.
const groups = async (threshold = 98): Promise<DuplicateGroup[]> =>
  (await services.calls.getGroups({ threshold })).groups;
/**
 * What a group shows, scores to one decimal: a session with the vectors loaded scores from them, a fresh one from
 * the stored neighbour lists (float32), so their cosines differ in the last digits.
 */
const shown = (list: DuplicateGroup[]) =>
  list.map((g) => ({ id: g.id, tier: g.tier, keep: g.keep, bytes: g.reclaimableBytes, members: g.members.map((m) => [m.path, m.match, m.score.toFixed(1), m.hamming]) }));

/** The groups a library opened afresh on the same data folder shows (what the next session sees). */
async function freshGroups(threshold = 98): Promise<ReturnType<typeof shown>> {
  const s = await makeServices(path.join(tmp, 'data'));
  try {
    return shown((await s.calls.getGroups({ threshold })).groups);
  } finally {
    await s.close();
  }
}
const groupWith = (list: DuplicateGroup[], ...paths: string[]) => list.find((g) => paths.every((p) => g.members.some((m) => m.path === p)));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-library-'));
  // The trash package reads XDG_DATA_HOME when first imported (lazily, at the first trash): set it before.
  previousXdg = process.env['XDG_DATA_HOME'];
  process.env['XDG_DATA_HOME'] = path.join(tmp, 'xdg');
  await mkdir(process.env['XDG_DATA_HOME'], { recursive: true });
  library = path.join(tmp, 'Photos');
  await mkdir(library);
  for (const rel of FILES) await copyFile(fixture(rel), at(path.basename(rel)));
  await writeFile(at('broken.jpg'), 'not a JPEG');
  services = await makeServices(path.join(tmp, 'data'));
}, 60_000);

afterAll(async () => {
  await services?.close();
  if (previousXdg === undefined) delete process.env['XDG_DATA_HOME'];
  else process.env['XDG_DATA_HOME'] = previousXdg;
  await rm(tmp, { recursive: true, force: true });
});

describe('library services (real catalog, tiny model, fixture photos)', () => {
  it('keeps the folders in the catalog, scans them with progress, and lists what failed', async () => {
    expect(await services.calls.listRoots(undefined)).toEqual([]);
    expect(await services.calls.addRoot({ path: library, reference: false })).toEqual([{ path: library, reference: false, files: null }]);
    const progress: JobProgressView[] = [];
    const summary = await scan(services, new PauseGate(), progress);
    expect(summary).toMatchObject({ found: 7, new: 7, changed: 0, unchanged: 0, missing: 0 });
    expect(summary.failed.map((f) => path.basename(f.path))).toEqual(['broken.jpg']);
    // The byte-identical copy reuses its original's vector.
    expect(summary.embedded).toBe(5);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ phase: 'done', found: 7, failed: 1 });
    expect(last.hashed).toBe(7);
    expect(last.bytesDone).toBeGreaterThan(10_000);
    const failed = await services.calls.listFailed(undefined);
    expect(failed.map((f) => path.basename(f.path))).toEqual(['broken.jpg']);
    expect((await services.calls.listRoots(undefined))[0]?.files).toBe(6);
    // The catalog is the file the app keeps in its data folder, and its roots table holds the folder.
    const catalog = Catalog.open(path.join(tmp, 'data', 'catalog.db'), { readOnly: true });
    expect(catalog.roots.list().map((r) => r.path)).toEqual([library]);
    catalog.close();
  });

  it('groups the copy with its original as exact, with the engine keep-best reasons per member', async () => {
    const list = await groups(100);
    const exact = groupWith(list, chelsea(), copy());
    expect(exact?.tier).toBe('exact');
    expect(exact?.members).toHaveLength(2);
    // Same bytes, same size: the shortest path decides, and says so.
    expect(exact?.keep).toBe(chelsea());
    expect(exact?.keepReasons).toEqual(['shortest path']);
    expect(exact?.members[1]).toMatchObject({ path: copy(), score: 100, reasons: ['longer path'] });
    expect(exact?.reclaimableBytes).toBe(exact?.members[1]?.bytes);
    // The resize is near-identical to chelsea (same fingerprint): it loses on resolution, and the reason says by how much.
    const near = groupWith(await groups(98), chelsea(), resized());
    expect(near?.tier).toBe('near-identical');
    expect(near?.members.find((m) => m.path === resized())?.reasons[0]).toMatch(/^lower resolution \(\d+×\d+ < 451×300\)$/);
    // The rule order from Settings is the engine's policy: with file size first, the bigger file wins.
    const bySize = await withKeepRules(services, ['fileSize', 'resolution'], () => services.calls.getGroups({ threshold: 98, tiers: ['near-identical'] }));
    expect(bySize.groups.every((g) => g.tier === 'near-identical')).toBe(true);
    const g = groupWith(bySize.groups, chelsea(), resized())!;
    const biggest = [...g.members].sort((a, b) => b.bytes - a.bytes)[0]!;
    expect(g.keep).toBe(biggest.path);
    // One reason per rule that decided against some member: the byte-identical copy only loses on path length.
    expect(g.keepReasons).toContainEqual(expect.stringMatching(/^largest file \(/));
  });

  it('pages the groups (one grouping serves every page) and counts every tier whatever the filter', async () => {
    const all = await services.calls.getGroups({ threshold: 98 });
    expect(all.totals.groups).toBeGreaterThanOrEqual(2);
    expect(Object.values(all.tierCounts).reduce((a, b) => a + b, 0)).toBe(all.totals.groups);
    const paged: DuplicateGroup[] = [];
    for (let offset = 0; offset < all.totals.groups; offset++) {
      const page = await services.calls.getGroups({ threshold: 98, offset, limit: 1 });
      expect(page.totals).toEqual(all.totals);
      paged.push(...page.groups);
    }
    expect(paged.map((g) => g.id)).toEqual(all.groups.map((g) => g.id));
    // A page costs no regroup: the same report serves the next request, until the grouping changes.
    const index = services.library.index;
    const first = index.report({ threshold: 98 })!.report;
    expect(index.report({ threshold: 98 })!.report).toBe(first);
    await withKeepRules(services, ['fileSize'], async () => expect(index.report({ threshold: 98 })!.report).not.toBe(first));
    const exact = await services.calls.getGroups({ threshold: 98, tiers: ['exact'], limit: 1 });
    expect(exact.tierCounts).toEqual(all.tierCounts);
    expect(exact.totals.groups).toBe(all.tierCounts.exact);
    expect(exact.groups.every((g) => g.tier === 'exact')).toBe(true);
  });

  it('labels each member by how it matches the suggested keeper: bytes, pixels, EXIF-rotated, near-duplicate', async () => {
    const folder = path.join(tmp, 'Labels');
    await mkdir(folder);
    const names = ['originals/skimage_chelsea.jpg', 'variants/skimage_chelsea__copy.jpg', 'variants/skimage_chelsea__png.png', 'variants/skimage_chelsea__exif_rot90.jpg', 'variants/skimage_chelsea__resize50.jpg'];
    for (const rel of names) await copyFile(fixture(rel), path.join(folder, path.basename(rel)));
    const other = await makeServices(path.join(tmp, 'data-labels'));
    try {
      await other.calls.addRoot({ path: folder, reference: false });
      await scan(other, new PauseGate(), [], folder);
      const labelsAt = async (threshold: number) => {
        const { groups: [group, ...rest] } = await other.calls.getGroups({ threshold });
        expect(rest).toEqual([]);
        return { keep: path.basename(group!.keep), labels: Object.fromEntries(group!.members.map((m) => [path.basename(m.path), m.match])) };
      };
      // Same pixels and resolution: the bigger file wins, so the PNG re-encode is kept. The original and its copy
      // are byte-identical to each other but not to the keeper: against it they are the same pixels.
      const atHundred = await labelsAt(100);
      expect(atHundred.keep).toBe('skimage_chelsea__png.png');
      expect(atHundred.labels).toEqual({
        'skimage_chelsea__png.png': 'same pixels',
        'skimage_chelsea.jpg': 'same pixels',
        'skimage_chelsea__copy.jpg': 'same pixels',
        'skimage_chelsea__exif_rot90.jpg': 'same pixels (EXIF-rotated copy)',
      });
      // At 98 the half-size resize joins, matched by its perceptual fingerprint (the tier shrinks to none at 100).
      const atNinetyEight = await labelsAt(98);
      expect(atNinetyEight.labels).toEqual({ ...atHundred.labels, 'skimage_chelsea__resize50.jpg': 'near-identical' });
      // Without the file-size rule the shortest path decides: the original is kept, and its copy is identical bytes.
      const byPath = await withKeepRules(other, ['resolution'], () => other.calls.getGroups({ threshold: 100 }));
      const g = byPath.groups[0]!;
      expect(path.basename(g.keep)).toBe('skimage_chelsea.jpg');
      expect(g.members.find((m) => m.path.endsWith('__copy.jpg'))?.match).toBe('identical bytes');
    } finally {
      await other.close();
    }
  });

  it('trashes a group member into the real (temp) trash; undo puts it back and into the groups', async () => {
    const result = await services.calls.resolveGroup({ keep: chelsea(), targets: [copy()], action: 'trash' });
    expect(result.failed).toEqual([]);
    expect(result.done).toEqual([copy()]);
    expect(result.actionId).toBeTruthy();
    expect(existsSync(copy())).toBe(false);
    const trashed = await findTrashed(copy());
    expect(trashed?.trashDir).toBe(path.join(process.env['XDG_DATA_HOME']!, 'Trash'));
    expect(groupWith(await groups(), copy())).toBeUndefined();
    // Updated in place, not reloaded: the same groups a fresh load of the catalog makes.
    expect(shown(await groups())).toEqual(await freshGroups());

    const undone = await services.calls.undo({ actionId: result.actionId! });
    expect(undone).toEqual({ actionId: result.actionId, restored: [copy()], failed: [] });
    expect(await readFile(copy())).toEqual(await readFile(fixture('variants/skimage_chelsea__copy.jpg')));
    expect(groupWith(await groups(100), chelsea(), copy())?.tier).toBe('exact');
    expect(shown(await groups())).toEqual(await freshGroups());
    // Undone once: a second undo of the same action has nothing left to do.
    await expect(services.calls.undo({ actionId: result.actionId! })).rejects.toThrow(/nothing to undo/);
  });

  it('marks "not a duplicate" with an action id that undo reverses', async () => {
    expect(groupWith(await groups(), chelsea(), resized())).toBeDefined();
    const mark = await services.calls.markNotDuplicate({ paths: [chelsea(), resized()] });
    expect(mark.ok).toBe(true);
    expect(mark.actionId).toBeTruthy();
    expect(groupWith(await groups(), chelsea(), resized())).toBeUndefined();
    const undone = await services.calls.undo({ actionId: mark.actionId! });
    expect(undone.failed).toEqual([]);
    expect(groupWith(await groups(), chelsea(), resized())).toBeDefined();
    // Byte-identical files are copies by definition.
    await expect(services.calls.markNotDuplicate({ paths: [chelsea(), copy()] })).rejects.toThrow(/byte-identical/);
  });

  it('resolves all as a dry run, then as one batch that one undo reverses', async () => {
    const dry = await services.calls.resolveAll({ threshold: 98, action: 'trash', dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.actionId).toBeNull();
    expect(dry.files).toBeGreaterThan(0);
    const targets = dry.plan.flatMap((p) => p.targets);
    expect(targets).toContain(copy());
    expect(targets.every((t) => existsSync(t))).toBe(true);

    const run = await services.calls.resolveAll({ threshold: 98, action: 'trash', dryRun: false });
    expect(run.failed).toEqual([]);
    expect(run.plan).toEqual(dry.plan);
    expect(targets.every((t) => !existsSync(t))).toBe(true);
    const after = await groups();
    expect(after.some((g) => g.members.some((m) => targets.includes(m.path)))).toBe(false);
    expect(after.every((g) => g.tier === 'similar')).toBe(true);

    const undone = await services.calls.undo({ actionId: run.actionId! });
    expect(undone.failed).toEqual([]);
    expect([...undone.restored].sort()).toEqual([...targets].sort());
    expect(targets.every((t) => existsSync(t))).toBe(true);
    expect(groupWith(await groups(), chelsea(), copy())).toBeDefined();
  });

  it('searches by example (a catalog photo and an outside one) and exports the groups', async () => {
    const inside = await services.library.search({ path: at('skimage_coffee.jpg'), top: 3, threshold: 90 });
    expect(inside.hits[0]?.path).toBe(at('skimage_coffee__webp.webp'));
    expect(inside.hits.map((h) => h.path)).not.toContain(at('skimage_coffee.jpg'));
    const outside = await services.library.search({ path: fixture('originals/skimage_coffee.jpg'), top: 2, threshold: 90 });
    expect(outside.hits[0]).toMatchObject({ path: at('skimage_coffee.jpg'), score: 100, tier: 'exact' });

    const out = path.join(tmp, 'groups.csv');
    const summary = await services.calls.exportResults({ format: 'csv', out, threshold: 98 });
    expect(summary.groups).toBe((await groups()).length);
    const csv = await readFile(out, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('group,group_tier,path,match,score,keep,reference,excluded,bytes,reasons,hamming,cosine');
    expect(csv).toContain(copy());
  });

  it('pauses a scan in place: nothing is read while paused, and it finishes after resume', async () => {
    const other = await makeServices(path.join(tmp, 'data-paused'));
    try {
      await other.calls.addRoot({ path: library, reference: false });
      const gate = new PauseGate();
      gate.pause();
      const progress: JobProgressView[] = [];
      const running = scan(other, gate, progress);
      await new Promise((r) => setTimeout(r, 1500));
      expect(progress.at(-1)?.phase).toBe('paused');
      expect(progress.at(-1)?.hashed).toBe(0);
      gate.resume();
      const summary = await running;
      expect(summary).toMatchObject({ found: 7, embedded: 5 });
      expect(summary.failed).toHaveLength(1);
      expect(progress.some((p) => p.phase === 'scanning')).toBe(true);
    } finally {
      await other.close();
    }
  });
});
