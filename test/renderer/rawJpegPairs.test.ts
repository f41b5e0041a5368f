// RAW+JPEG pairs in the Review: the badge says which side a member is and whether it is left alone, and the
// review's "trash/move the others" never targets a pair member unless the Settings rule drops it and its
// partner is the keeper (the engine refuses the rest anyway; the renderer must not propose them).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuplicateGroup, GroupMember, MemberPair } from '../../electron/shared/contract.js';
import PairBadge from '../../renderer/src/components/PairBadge.svelte';
import { ReviewState, type ReviewEffects } from '../../renderer/src/state/review.svelte.js';

const mounted: Record<string, unknown>[] = [];
afterEach(() => {
  while (mounted.length) unmount(mounted.pop()!);
  document.body.innerHTML = '';
});

function badge(pair: MemberPair | null, keeper: string): string {
  const target = document.body.appendChild(document.createElement('div'));
  mounted.push(mount(PairBadge, { target, props: { pair, keeper } }));
  flushSync();
  return target.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

const pairOf = (partner: string, role: 'raw' | 'jpeg', droppable = false): MemberPair => ({ partner, role, by: 'name', droppable, protected: !droppable });

describe('PairBadge', () => {
  it('names the side and the partner, and says the member is left alone', () => {
    expect(badge(pairOf('/p/IMG_1.CR2', 'jpeg'), '/p/IMG_1.CR2')).toBe('JPEG + RAW with IMG_1.CR2: never trashed or moved');
    expect(badge(pairOf('/p/IMG_1.JPG', 'raw'), '/p/IMG_1.JPG')).toBe('RAW + JPEG with IMG_1.JPG: never trashed or moved');
  });

  it('says when the pair rule drops it (its partner kept), and shows nothing without a pair', () => {
    expect(badge(pairOf('/p/IMG_1.CR2', 'jpeg', true), '/p/IMG_1.CR2')).toBe('JPEG + RAW with IMG_1.CR2: dropped by the pair rule in Settings');
    expect(badge(pairOf('/p/IMG_1.CR2', 'jpeg', true), '/backup/IMG_1.JPG')).toBe('JPEG + RAW with IMG_1.CR2: never trashed or moved');
    expect(badge(null, '/p/x.jpg')).toBe('');
  });
});

const noEffects: ReviewEffects = {
  resolve: async () => ({ actionId: null, done: [], failed: [] }),
  chooseFolder: async () => null,
  markNotDuplicate: async () => 'a0',
  undo: async () => ({ failed: [] }),
};

function member(path: string, pair: MemberPair | null): GroupMember {
  return { path, bytes: 100, score: 99, match: 'same pixels', width: 10, height: 10, mtimeMs: 0, reference: false, excluded: false, reasons: [], thumb: '', pair };
}

describe('ReviewState with a RAW+JPEG pair', () => {
  const group = (droppable: boolean): DuplicateGroup => ({
    id: 'g0', tier: 'same-pixels', keep: '/p/IMG_1.CR2', keepReasons: [], reclaimableBytes: 0,
    members: [member('/p/IMG_1.CR2', pairOf('/p/IMG_1.JPG', 'raw')), member('/p/IMG_1.JPG', pairOf('/p/IMG_1.CR2', 'jpeg', droppable)), member('/backup/IMG_1.JPG', null)],
  });

  it('targets only the lone copy by default, whichever member is the keeper', () => {
    const review = new ReviewState(noEffects);
    review.load([group(false)]);
    expect(review.targetsOf(review.current!)).toEqual(['/backup/IMG_1.JPG']);
    review.chooseKeeper(2);
    expect(review.targetsOf(review.current!)).toEqual([]);
  });

  it('targets the JPEG too when the rule drops it and its RAW is the keeper', () => {
    const review = new ReviewState(noEffects);
    review.load([group(true)]);
    expect(review.targetsOf(review.current!)).toEqual(['/p/IMG_1.JPG', '/backup/IMG_1.JPG']);
    expect(review.bulkPlan().files).toBe(2);
    review.chooseKeeper(2);
    expect(review.targetsOf(review.current!)).toEqual([]);
  });
});
