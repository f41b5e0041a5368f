// Components mounted in happy-dom with Svelte 5's mount + flushSync: what they render from props, and that
// they report the user's actions through their callbacks (they never call the API).
import { createRawSnippet, flushSync, mount, unmount, type Component, type Snippet } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuplicateGroup } from '../../electron/shared/contract.js';
import { keepRules, type KeepRule } from '../../electron/shared/values.js';
import GroupDetail from '../../renderer/src/components/GroupDetail.svelte';
import HitGrid from '../../renderer/src/components/HitGrid.svelte';
import KeepRuleOrder from '../../renderer/src/components/KeepRuleOrder.svelte';
import PreferFolderList from '../../renderer/src/components/PreferFolderList.svelte';
import ProgressPanel from '../../renderer/src/components/ProgressPanel.svelte';
import TierFilter from '../../renderer/src/components/TierFilter.svelte';
import VirtualList from '../../renderer/src/components/VirtualList.svelte';
import type { TierFilter as TierFilterValue } from '../../renderer/src/state/review.svelte.js';
import { JobState } from '../../renderer/src/state/job.svelte.js';

interface VirtualListProps {
  count: number;
  rowHeight: number;
  selected: number;
  label: string;
  row: Snippet<[number]>;
  rowId: (index: number) => string;
  onRange?: (start: number, end: number) => void;
}

const mounted: Record<string, unknown>[] = [];
afterEach(() => {
  while (mounted.length) unmount(mounted.pop()!);
  document.body.innerHTML = '';
});
// `any` only in the bound: each call site checks its props against the component through P.
function render<P extends Record<string, any>>(component: Component<P>, props: P) {
  const target = document.body.appendChild(document.createElement('div'));
  const instance = mount(component, { target, props });
  mounted.push(instance);
  flushSync();
  return target;
}

const group: DuplicateGroup = {
  id: 'g1',
  tier: 'near-duplicate',
  keep: '/p/a.jpg',
  keepReasons: ['highest resolution (400×300)'],
  reclaimableBytes: 2048,
  members: [
    { path: '/p/a.jpg', score: 100, match: 'identical bytes', width: 400, height: 300, bytes: 4096, mtimeMs: 0, reference: false, excluded: false, reasons: ['highest resolution (400×300)'], thumb: 'x://a' },
    { path: '/p/b.webp', score: 97.5, match: 'near-duplicate', width: 200, height: 150, bytes: 2048, mtimeMs: 5, reference: false, excluded: false, reasons: ['lower resolution (200×150 < 400×300)'], thumb: 'x://b' },
  ],
};

describe('GroupDetail', () => {
  it('shows each member with its facts, marks the keeper and reports actions', () => {
    const calls: string[] = [];
    const el = render(GroupDetail, {
      group,
      position: '1 of 1',
      keeper: '/p/a.jpg',
      resolution: undefined,
      pending: false,
      onChooseKeeper: (i: number) => calls.push(`keep ${i}`),
      onTrashOthers: () => calls.push('trash'),
      onMoveOthers: () => calls.push('move'),
      onNotDuplicate: () => calls.push('not'),
      onShowInFolder: (p: string) => calls.push(`show ${p}`),
    });
    const members = el.querySelectorAll('.member');
    expect(members).toHaveLength(2);
    expect(members[0]!.classList.contains('keeper')).toBe(true);
    expect(members[1]!.textContent).toContain('200 × 150');
    expect(members[1]!.textContent).toContain('WebP');
    expect(members[1]!.textContent).toContain('97.5');
    // How the engine matched each member; the suggested keeper is what the others are matched against.
    const matchOf = (m: Element) => m.querySelector('.match dd')?.textContent;
    expect(matchOf(members[1]!)).toBe('near-duplicate');
    expect(matchOf(members[0]!)).toBe('suggested keeper');
    expect(el.textContent).toContain('Suggested keeper: a.jpg — highest resolution (400×300)');
    // Each other member says why it loses to the keeper (the engine's keep-best verdict).
    expect(members[1]!.textContent).toContain('lower resolution (200×150 < 400×300)');
    const buttons = Array.from(el.querySelectorAll('button'));
    buttons.find((b) => b.textContent?.trim() === 'Keep this')!.click();
    buttons.find((b) => b.textContent?.includes('Trash the others'))!.click();
    buttons.find((b) => b.textContent?.includes('Move others to folder…'))!.click();
    buttons.find((b) => b.textContent?.includes('Not a duplicate'))!.click();
    buttons.find((b) => b.getAttribute('aria-label') === 'Show b.webp in folder')!.click();
    expect(calls).toEqual(['keep 1', 'trash', 'move', 'not', 'show /p/b.webp']);
  });

  it('disables the actions of a resolved group and shows what was trashed', () => {
    const el = render(GroupDetail, {
      group,
      position: '1 of 1',
      keeper: '/p/a.jpg',
      resolution: { kind: 'trashed' as const, keeper: '/p/a.jpg', trashed: ['/p/b.webp'] },
      pending: false,
      onChooseKeeper: () => {},
      onTrashOthers: () => {},
      onMoveOthers: () => {},
      onNotDuplicate: () => {},
      onShowInFolder: () => {},
    });
    const trash = Array.from(el.querySelectorAll('button')).find((b) => b.textContent?.includes('Trash the others'))!;
    expect(trash.disabled).toBe(true);
    expect(el.querySelectorAll('.member')[1]!.classList.contains('gone')).toBe(true);
    expect(el.textContent).toContain('Others moved to the trash');
  });

  it('shows where the others were moved, and never offers a reference file as a target', () => {
    const withReference: DuplicateGroup = { ...group, members: [...group.members, { ...group.members[1]!, path: '/ref/c.jpg', reference: true }] };
    const el = render(GroupDetail, {
      group: withReference,
      position: '1 of 1',
      keeper: '/p/a.jpg',
      resolution: { kind: 'moved' as const, keeper: '/p/a.jpg', moved: ['/p/b.webp'], dest: '/sorted/dupes' },
      pending: false,
      onChooseKeeper: () => {},
      onTrashOthers: () => {},
      onMoveOthers: () => {},
      onNotDuplicate: () => {},
      onShowInFolder: () => {},
    });
    const move = Array.from(el.querySelectorAll('button')).find((b) => b.textContent?.includes('Move others to folder…'))!;
    expect(move.disabled).toBe(true);
    const members = el.querySelectorAll('.member');
    expect(el.textContent).toContain('Others moved to dupes');
    expect(members[1]!.querySelector('.flag')?.textContent).toBe('Moved');
    expect(members[2]!.classList.contains('gone')).toBe(false);
    expect(members[2]!.textContent).toContain('Reference folder: never trashed or moved');
  });

  it('says a member matching an exclusion in Settings is never touched', () => {
    const withExcluded: DuplicateGroup = { ...group, members: [group.members[0]!, { ...group.members[1]!, excluded: true }] };
    const el = render(GroupDetail, {
      group: withExcluded,
      position: '1 of 1',
      keeper: '/p/a.jpg',
      resolution: undefined,
      pending: false,
      onChooseKeeper: () => {},
      onTrashOthers: () => {},
      onMoveOthers: () => {},
      onNotDuplicate: () => {},
      onShowInFolder: () => {},
    });
    expect(el.querySelectorAll('.member')[1]!.textContent).toContain('Excluded in Settings: never trashed or moved');
  });
});

describe('HitGrid', () => {
  it('shows each hit with its tier badge next to its score', () => {
    const el = render(HitGrid, {
      hits: [
        { path: '/p/a.jpg', score: 100, cosine: 1, tier: 'exact' as const, thumb: 'x://a' },
        { path: '/p/b.jpg', score: 91.25, cosine: 0.95, tier: 'near-duplicate' as const, thumb: 'x://b' },
        { path: '/p/c.jpg', score: 72, cosine: 0.8, tier: 'similar' as const, thumb: 'x://c' },
      ],
      onShowInFolder: () => {},
    });
    const verdicts = Array.from(el.querySelectorAll('.hit .verdict')).map((v) => v.textContent?.replace(/\s+/g, ' ').trim());
    expect(verdicts).toEqual(['Exact 100.0', 'Near 91.3', 'Similar 72.0']);
    expect(el.querySelectorAll('.hit .badge')[1]!.getAttribute('data-tier')).toBe('near-duplicate');
  });
});

describe('VirtualList', () => {
  it('renders only a window of 10,000 rows, and says which rows it shows', () => {
    const row = createRawSnippet((index: () => number) => ({
      render: () => `<div class="r" data-i="${index()}">item ${index()}</div>`,
    }));
    const ranges: [number, number][] = [];
    const el = render(VirtualList as Component<VirtualListProps>, {
      count: 10_000,
      rowHeight: 60,
      selected: 0,
      label: 'Items',
      row,
      rowId: (i: number) => `r${i}`,
      onRange: (start: number, end: number) => void ranges.push([start, end]),
    });
    const rows = el.querySelectorAll('.r');
    expect(ranges.at(-1)).toEqual([0, rows.length]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]!.textContent).toBe('item 0');
    expect((el.querySelector('.spacer') as HTMLElement).style.height).toBe('600000px');
    expect(el.querySelector('[role="listbox"]')!.getAttribute('aria-activedescendant')).toBe('r0');
  });
});

describe('TierFilter', () => {
  it('counts each tier and reports the choice', () => {
    const chosen: string[] = [];
    const el = render(TierFilter, {
      value: 'all' as TierFilterValue,
      counts: { exact: 2, 'same-pixels': 1, 'near-identical': 4, 'near-duplicate': 5, similar: 3 },
      onChange: (v: TierFilterValue) => void chosen.push(v),
    });
    const radios = Array.from(el.querySelectorAll('[role="radio"]'));
    expect(radios.map((r) => r.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['All 15', 'Exact 2', 'Same pixels 1', 'Near-identical 4', 'Near 5', 'Similar 3']);
    expect(radios[0]!.getAttribute('aria-checked')).toBe('true');
    (radios[4] as HTMLElement).click();
    (radios[3] as HTMLElement).click();
    expect(chosen).toEqual(['near-duplicate', 'near-identical']);
  });
});

describe('ProgressPanel', () => {
  it('shows counts, rate and ETA, and offers pause and cancel while running', () => {
    const job = new JobState('scan');
    job.starting();
    job.started('j1');
    job.onProgress({ jobId: 'j1', kind: 'scan', progress: { done: 50, total: 200, failed: 2, rate: 12.5, etaSeconds: 12, current: '/p/x.jpg', phase: 'embedding' } });
    const actions: string[] = [];
    const el = render(ProgressPanel, { title: 'Scan', job, onPause: () => actions.push('pause'), onCancel: () => actions.push('cancel') });
    expect(el.textContent).toContain('50 / 200');
    expect(el.textContent).toContain('13 files/s');
    expect(el.textContent).toContain('12 s');
    expect(el.textContent).toContain('Embedding…');
    expect(el.querySelector('progress')!.getAttribute('aria-label')).toBe('Scan: 25 percent');
    for (const b of Array.from(el.querySelectorAll('button'))) b.click();
    expect(actions).toEqual(['pause', 'cancel']);
    // Events for another job change nothing; the end hides the controls.
    expect(job.onProgress({ jobId: 'other', kind: 'scan', progress: { done: 1, total: 1, failed: 0, rate: 1, etaSeconds: 0, current: null, phase: null } })).toBe(false);
    job.onDone({ jobId: 'j1', kind: 'scan', ok: false, cancelled: true, error: 'cancelled' });
    flushSync();
    expect(job.status).toBe('cancelled');
    expect(el.querySelectorAll('button')).toHaveLength(0);
    expect(el.textContent).toContain('Cancelled');
  });
});

describe('ProgressPanel, queued', () => {
  it('says a queued job is waiting, offers cancel but not pause, and shows no time left', () => {
    const job = new JobState('scan');
    job.starting();
    job.started('j1');
    job.onProgress({ jobId: 'j1', kind: 'scan', progress: { done: 0, total: 0, failed: 0, rate: 0, etaSeconds: null, current: null, phase: 'queued' } });
    const actions: string[] = [];
    const el = render(ProgressPanel, { title: 'Scan', job, onPause: () => actions.push('pause'), onCancel: () => actions.push('cancel') });
    expect(el.querySelector('[role="status"]')!.textContent).toBe('Queued…');
    const buttons = Array.from(el.querySelectorAll('button'));
    expect(buttons.map((b) => b.textContent)).toEqual(['Cancel']);
    buttons[0]!.click();
    expect(actions).toEqual(['cancel']);
  });
});

const buttonNamed = (el: Element, name: string) => {
  const b = Array.from(el.querySelectorAll('button')).find((x) => (x.getAttribute('aria-label') ?? x.textContent?.trim()) === name);
  if (!b) throw new Error(`no button "${name}"`);
  return b;
};

describe('PreferFolderList', () => {
  it('lists the folders in order and reports add, move and remove by position', () => {
    const calls: string[] = [];
    const el = render(PreferFolderList, {
      folders: ['/photos/best', '/backup'],
      onAdd: () => calls.push('add'),
      onRemove: (i: number) => calls.push(`remove ${i}`),
      onMove: (i: number, d: number) => calls.push(`move ${i} ${d}`),
    });
    const items = Array.from(el.querySelectorAll('ol[aria-label="Preferred folders, first preferred first"] li'));
    expect(items.map((li) => li.querySelector('.path')!.textContent)).toEqual(['/photos/best', '/backup']);
    // The first cannot move up, the last cannot move down.
    expect(buttonNamed(el, 'Move “/photos/best” up').disabled).toBe(true);
    expect(buttonNamed(el, 'Move “/backup” down').disabled).toBe(true);
    buttonNamed(el, 'Move “/backup” up').click();
    buttonNamed(el, 'Move “/photos/best” down').click();
    buttonNamed(el, 'Remove “/photos/best”').click();
    buttonNamed(el, 'Add folder…').click();
    expect(calls).toEqual(['move 1 -1', 'move 0 1', 'remove 0', 'add']);
  });

  it('says what an empty list means, and blocks changes while saving', () => {
    const el = render(PreferFolderList, { folders: [], disabled: true, onAdd: () => {}, onRemove: () => {}, onMove: () => {} });
    expect(el.querySelector('ol')).toBeNull();
    expect(el.textContent).toContain('No preferred folders');
    expect(buttonNamed(el, 'Add folder…').disabled).toBe(true);
  });
});

describe('KeepRuleOrder', () => {
  it("names the folder rule by the preferred folders and reorders with the shortest path kept last", () => {
    const changes: KeepRule[][] = [];
    const el = render(KeepRuleOrder, { rules: [...keepRules], preferFolderCount: 3, onChange: (r: KeepRule[]) => void changes.push(r) });
    const labels = Array.from(el.querySelectorAll('li .label')).map((l) => l.textContent);
    expect(labels).toContain('Preferred folders (3)');
    expect(labels).not.toContain('Shortest path');
    buttonNamed(el, 'Move “Preferred folders (3)” up').click();
    expect(changes).toEqual([['resolution', 'fileSize', 'format', 'folder', 'captureTime', 'pathLength']]);
  });

  it('says when the folder rule has no folders to go by', () => {
    const el = render(KeepRuleOrder, { rules: [...keepRules], preferFolderCount: 0, onChange: () => {} });
    expect(el.textContent).toContain('Preferred folders (none set yet: add them below)');
  });
});
