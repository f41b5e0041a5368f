// ReviewState against real files: the effects move files into a temp "trash" folder and back, so undo is
// checked on disk, not on a mock's call log.
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reviewCommandFor } from '../../renderer/src/lib/reviewKeys.js';
import { ReviewState, type ReviewEffects } from '../../renderer/src/state/review.svelte.js';
import type { ActionResult, DuplicateGroup, GroupMember, Tier } from '../../electron/shared/contract.js';

let dir: string;
let trashDir: string;
let effects: ReviewEffects;

/** What the next folder dialog returns (null: the user cancelled). */
let pickedFolder: string | null = null;

/**
 * The shell's resolve/undo semantics on a temp folder: trashed targets move into `.trash`, moved ones into the
 * chosen folder under their own name; undo moves them back.
 */
function diskEffects(): ReviewEffects {
  const actions = new Map<string, { moves: [string, string][]; mark?: string }>();
  let next = 0;
  return {
    async resolve(_keep, targets, disposal) {
      const moves: [string, string][] = [];
      const result: ActionResult = { actionId: null, done: [], failed: [] };
      for (const p of targets) {
        const to = disposal.action === 'move' ? join(disposal.dest, basename(p)) : join(trashDir, `${next}-${moves.length}-${basename(p)}`);
        try {
          await rename(p, to);
          moves.push([p, to]);
          result.done.push(p);
        } catch (err) {
          result.failed.push({ path: p, error: (err as Error).message });
        }
      }
      if (moves.length > 0) {
        result.actionId = `a${next++}`;
        actions.set(result.actionId, { moves });
      }
      return result;
    },
    chooseFolder: async () => pickedFolder,
    async markNotDuplicate(paths) {
      const id = `a${next++}`;
      notDuplicates.add(paths.join('|'));
      actions.set(id, { moves: [], mark: paths.join('|') });
      return id;
    },
    async undo(actionId) {
      const action = actions.get(actionId);
      if (!action) throw new Error(`unknown action ${actionId}`);
      for (const [from, to] of action.moves) await rename(to, from);
      if (action.mark) notDuplicates.delete(action.mark);
      actions.delete(actionId);
      return { failed: [] };
    },
  };
}
const notDuplicates = new Set<string>();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookalike-review-'));
  trashDir = join(dir, '.trash');
  await mkdir(trashDir);
  notDuplicates.clear();
  pickedFolder = null;
  effects = diskEffects();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function makeGroups(spec: { tier: Tier; size: number; referenceFirst?: boolean }[]): Promise<DuplicateGroup[]> {
  const groups: DuplicateGroup[] = [];
  for (const [gi, { tier, size, referenceFirst }] of spec.entries()) {
    const members: GroupMember[] = [];
    for (let m = 0; m < size; m++) {
      const path = join(dir, `g${gi}-m${m}.jpg`);
      await writeFile(path, Buffer.alloc(100 * (m + 1)));
      members.push({
        path,
        bytes: 100 * (m + 1),
        score: 95,
        match: tier === 'exact' ? 'identical bytes' : tier === 'same-pixels' ? 'same pixels' : tier,
        width: 10,
        height: 10,
        mtimeMs: 0,
        reference: Boolean(referenceFirst) && m === 0,
        excluded: false,
        reasons: [],
        thumb: '',
      });
    }
    const keep = members[size - 1]!.path;
    groups.push({ id: `g${gi}`, tier, keep, keepReasons: [], members, reclaimableBytes: 0 });
  }
  return groups;
}

const file = (name: string) => join(dir, name);

describe('ReviewState', () => {
  it('trashes all but the chosen keeper, advances, and undo restores the files', async () => {
    const review = new ReviewState(effects);
    review.load(await makeGroups([{ tier: 'near-duplicate', size: 3 }, { tier: 'exact', size: 2 }]));
    expect(review.current?.id).toBe('g0');
    review.chooseKeeper(0);
    await review.trashOthers();
    expect(review.error).toBeNull();
    expect(existsSync(file('g0-m0.jpg'))).toBe(true);
    expect(existsSync(file('g0-m1.jpg'))).toBe(false);
    expect(existsSync(file('g0-m2.jpg'))).toBe(false);
    expect(review.resolutions.get('g0')).toEqual({ kind: 'trashed', keeper: file('g0-m0.jpg'), trashed: [file('g0-m1.jpg'), file('g0-m2.jpg')] });
    expect(review.current?.id).toBe('g1');
    expect(review.notice).toBe('Moved 2 files to the trash');

    await review.undo();
    expect(existsSync(file('g0-m1.jpg'))).toBe(true);
    expect(existsSync(file('g0-m2.jpg'))).toBe(true);
    expect(review.resolutions.has('g0')).toBe(false);
    expect(review.current?.id).toBe('g0');
    // The keeper choice is the next thing undone.
    await review.undo();
    expect(review.keeperOf(review.current!)).toBe(file('g0-m2.jpg'));
    expect(review.canUndo).toBe(false);
  });

  it('runs keyboard commands in order: 2, d, n, then Ctrl+Z twice', async () => {
    const review = new ReviewState(effects);
    review.load(await makeGroups([{ tier: 'near-duplicate', size: 2 }, { tier: 'near-duplicate', size: 2 }, { tier: 'similar', size: 2 }]));
    const press = (key: string, mods: { ctrlKey?: boolean } = {}) => review.handle(reviewCommandFor({ key, ...mods })!);
    press('1');
    const trashed = press('d');
    const marked = press('n');
    await Promise.all([trashed, marked]);
    expect(existsSync(file('g0-m1.jpg'))).toBe(false);
    expect(notDuplicates.size).toBe(1);
    expect(review.current?.id).toBe('g2');
    await press('z', { ctrlKey: true });
    expect(notDuplicates.size).toBe(0);
    await press('z', { ctrlKey: true });
    expect(existsSync(file('g0-m1.jpg'))).toBe(true);
  });

  it('moves all but the keeper into the chosen folder with m; Ctrl+Z moves them back', async () => {
    const review = new ReviewState(effects);
    review.load(await makeGroups([{ tier: 'near-duplicate', size: 3, referenceFirst: true }, { tier: 'exact', size: 2 }]));
    const sorted = file('sorted');
    await mkdir(sorted);
    pickedFolder = sorted;
    await review.handle(reviewCommandFor({ key: 'm' })!);
    expect(review.error).toBeNull();
    // m0 is in a reference folder and m2 is the keeper: only m1 moves.
    expect(existsSync(file('g0-m1.jpg'))).toBe(false);
    expect(existsSync(join(sorted, 'g0-m1.jpg'))).toBe(true);
    expect(existsSync(file('g0-m0.jpg'))).toBe(true);
    expect(existsSync(file('g0-m2.jpg'))).toBe(true);
    expect(review.resolutions.get('g0')).toEqual({ kind: 'moved', keeper: file('g0-m2.jpg'), moved: [file('g0-m1.jpg')], dest: sorted });
    expect(review.notice).toBe(`Moved 1 file to ${sorted}`);
    expect(review.current?.id).toBe('g1');

    await review.handle(reviewCommandFor({ key: 'z', ctrlKey: true })!);
    expect(existsSync(file('g0-m1.jpg'))).toBe(true);
    expect(existsSync(join(sorted, 'g0-m1.jpg'))).toBe(false);
    expect(review.resolutions.has('g0')).toBe(false);
    expect(review.current?.id).toBe('g0');
    expect(review.notice).toBe(`Moved 1 file back from ${sorted}`);
  });

  it('does nothing when the folder dialog is cancelled, and refuses the folder the files are already in', async () => {
    const review = new ReviewState(effects);
    review.load(await makeGroups([{ tier: 'near-duplicate', size: 2 }]));
    pickedFolder = null;
    await review.moveOthers();
    expect(review.resolutions.size).toBe(0);
    expect(review.canUndo).toBe(false);
    expect(review.error).toBeNull();
    pickedFolder = `${dir}/`;
    await review.moveOthers();
    expect(review.error).toMatch(/^Choose another folder: g0-m0\.jpg is already in /);
    expect(existsSync(file('g0-m0.jpg'))).toBe(true);
    expect(review.resolutions.size).toBe(0);
  });

  it('keeps state unchanged and shows the error when the trash fails', async () => {
    const review = new ReviewState(effects);
    const groups = await makeGroups([{ tier: 'near-duplicate', size: 2 }]);
    await rm(groups[0]!.members[0]!.path); // gone behind our back
    review.load(groups);
    await review.trashOthers();
    expect(review.error).toMatch(/Nothing was moved to the trash: .*g0-m0\.jpg: ENOENT/);
    expect(review.resolutions.size).toBe(0);
    expect(review.canUndo).toBe(false);
  });

  it('plans and resolves every visible group as suggested in one undoable step', async () => {
    const review = new ReviewState(effects);
    const groups = await makeGroups([{ tier: 'near-duplicate', size: 3 }, { tier: 'similar', size: 2 }, { tier: 'near-duplicate', size: 2 }]);
    review.load(groups);
    review.setTierFilter('near-duplicate');
    expect(review.visible.map((g) => g.id)).toEqual(['g0', 'g2']);
    const plan = review.bulkPlan();
    expect(plan).toEqual({ groupIds: ['g0', 'g2'], files: 3, bytes: 100 + 200 + 100 });
    review.select(0);
    review.chooseKeeper(0); // a choice the bulk "as suggested" must not follow
    // The shell's resolveAll makes one action of every group's targets.
    await review.resolveAll(plan.groupIds, () =>
      effects.resolve('', review.visible.flatMap((g) => review.suggestedTargetsOf(g)), { action: 'trash' }),
    );
    expect(existsSync(file('g0-m2.jpg'))).toBe(true);
    expect(existsSync(file('g0-m0.jpg'))).toBe(false);
    expect(existsSync(file('g1-m0.jpg'))).toBe(true);
    expect(review.resolvedCount).toBe(2);
    expect(review.bulkPlan().files).toBe(0);
    await review.undo();
    expect(existsSync(file('g2-m0.jpg'))).toBe(true);
    expect(existsSync(file('g0-m0.jpg'))).toBe(true);
    expect(review.resolvedCount).toBe(0);
  });

  it('never targets a file in a reference folder, even when it is not the keeper', async () => {
    const review = new ReviewState(effects);
    review.load(await makeGroups([{ tier: 'near-duplicate', size: 3, referenceFirst: true }, { tier: 'near-duplicate', size: 2, referenceFirst: true }]));
    expect(review.targetsOf(review.current!)).toEqual([file('g0-m1.jpg')]);
    await review.trashOthers();
    expect(existsSync(file('g0-m0.jpg'))).toBe(true);
    expect(existsSync(file('g0-m1.jpg'))).toBe(false);
    // Group 1: the keeper is m1 and m0 is a reference file, so there is nothing to trash.
    expect(review.current?.id).toBe('g1');
    await review.trashOthers();
    expect(review.resolutions.has('g1')).toBe(false);
    expect(review.notice).toMatch(/reference folders/);
  });

  it('never targets a file matching an exclusion in Settings, alone or in a bulk plan', async () => {
    const review = new ReviewState(effects);
    const groups = await makeGroups([{ tier: 'near-duplicate', size: 3 }]);
    groups[0]!.members[0]!.excluded = true;
    review.load(groups);
    expect(review.targetsOf(review.current!)).toEqual([file('g0-m1.jpg')]);
    expect(review.bulkPlan()).toEqual({ groupIds: ['g0'], files: 1, bytes: 200 });
    await review.trashOthers();
    expect(existsSync(file('g0-m0.jpg'))).toBe(true);
    expect(existsSync(file('g0-m1.jpg'))).toBe(false);
  });

  it('says an internal error from the shell is a bug to report, and keeps the group open', async () => {
    const review = new ReviewState({
      ...effects,
      resolve: async () => {
        throw new Error('[internal] journal write failed');
      },
    });
    review.load(await makeGroups([{ tier: 'near-duplicate', size: 2 }, { tier: 'near-duplicate', size: 2 }]));
    await review.trashOthers();
    expect(review.error).toBe('Something went wrong inside Lookalike — please report it: journal write failed');
    expect(review.current?.id).toBe('g0');
    expect(review.isOpen('g0')).toBe(true);
    expect(review.busy).toBe(false);
  });

  it('stays on the same group across a regroup and clamps when it vanished', async () => {
    const review = new ReviewState(effects);
    const groups = await makeGroups([{ tier: 'near-duplicate', size: 2 }, { tier: 'near-duplicate', size: 2 }, { tier: 'exact', size: 2 }]);
    review.load(groups);
    review.select(2);
    review.load([groups[2]!, groups[0]!]);
    expect(review.current?.id).toBe('g2');
    review.load([groups[0]!]);
    expect(review.cursor).toBe(0);
    review.load([]);
    expect(review.current).toBeUndefined();
    expect(() => review.move(1)).not.toThrow();
  });
});
