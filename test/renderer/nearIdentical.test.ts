// The Review's near-identical display: the member's match in words ("re-encoded / resized / retouched") and the
// evidence, both distances to the keeper; the tier's badge and filter entry.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuplicateGroup } from '../../electron/shared/contract.js';
import GroupDetail from '../../renderer/src/components/GroupDetail.svelte';
import TierBadge from '../../renderer/src/components/TierBadge.svelte';
import { matchEvidence, matchLabel } from '../../renderer/src/lib/keeperReasons.js';

const group: DuplicateGroup = {
  id: 'g1',
  tier: 'near-identical',
  keep: '/p/a.jpg',
  keepReasons: ['highest resolution (400×300)'],
  reclaimableBytes: 1024,
  members: [
    { path: '/p/a.jpg', score: 100, match: 'identical bytes', hamming: 0, cosine: 1, width: 400, height: 300, bytes: 4096, mtimeMs: 0, reference: false, excluded: false, reasons: ['highest resolution (400×300)'], thumb: 'x://a' },
    { path: '/p/a_small.jpg', score: 71.3, match: 'near-identical', hamming: 3, cosine: 0.85652, width: 100, height: 75, bytes: 1024, mtimeMs: 5, reference: false, excluded: false, reasons: ['lower resolution (100×75 < 400×300)'], thumb: 'x://b' },
  ],
};

let instance: Record<string, unknown> | null = null;
afterEach(() => {
  if (instance) unmount(instance);
  instance = null;
  document.body.innerHTML = '';
});

describe('near-identical in the Review', () => {
  it('says what a near-identical copy is and shows both distances to the keeper', () => {
    const target = document.body.appendChild(document.createElement('div'));
    const noop = () => {};
    instance = mount(GroupDetail, {
      target,
      props: { group, position: '1 of 1', keeper: '/p/a.jpg', resolution: undefined, pending: false, onChooseKeeper: noop, onTrashOthers: noop, onMoveOthers: noop, onNotDuplicate: noop, onShowInFolder: noop },
    });
    flushSync();
    const [keeper, copy] = Array.from(target.querySelectorAll('.member'));
    expect(copy!.querySelector('.match dd')?.textContent).toBe('near-identical (re-encoded / resized / retouched)');
    expect(copy!.querySelector('.evidence dd')?.textContent).toBe('fingerprint 3/128 bits apart · cosine 0.8565');
    // The keeper is what the others are measured against: no evidence line of its own.
    expect(keeper!.querySelector('.evidence')).toBeNull();
    expect(target.querySelector('header .badge')?.textContent).toBe('near-identical (re-encoded / resized / retouched)');
  });

  it('words the match and the evidence, leaving out what is unknown', () => {
    expect(matchLabel({ match: 'near-duplicate' })).toBe('near-duplicate');
    expect(matchEvidence({ hamming: null, cosine: 0.9 })).toBe('cosine 0.9000');
    expect(matchEvidence({ hamming: 12, cosine: null })).toBe('fingerprint 12/128 bits apart');
    expect(matchEvidence({})).toBeNull();
  });

  it('badges the tier', () => {
    const target = document.body.appendChild(document.createElement('div'));
    instance = mount(TierBadge, { target, props: { tier: 'near-identical', short: true } });
    flushSync();
    expect(target.querySelector('.badge')?.getAttribute('data-tier')).toBe('near-identical');
    expect(target.textContent).toBe('Near-identical');
  });
});
