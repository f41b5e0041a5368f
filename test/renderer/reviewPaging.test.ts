// The Review over a 5,000-group library asks the engine for pages, never for every group: the count and the tier
// counts are the engine's, rows and keyboard moves fetch the page they need, and resolving groups (which the engine
// then leaves out) does not skip or repeat any group further down.
import { describe, expect, it } from 'vitest';
import { reviewCommandFor } from '../../renderer/src/lib/reviewKeys.js';
import { DuplicatesState } from '../../renderer/src/state/duplicates.svelte.js';
import { GROUP_PAGE_SIZE, MAX_LOADED_PAGES } from '../../renderer/src/state/groupPages.svelte.js';
import type { FakeClient } from './fakeClient.js';
import { fakeClient } from './fakeClient.js';
import { fakeGroupEngine, manyGroups, type FakeGroupEngine } from './fakeGroupEngine.js';

const N = 5_000;

type GroupsRequest = { threshold: number; tiers?: string[]; offset?: number; limit?: number };

function setup(n = N): { dupes: DuplicatesState; engine: FakeGroupEngine; fake: FakeClient; requests: () => GroupsRequest[] } {
  const engine = fakeGroupEngine(manyGroups(n));
  const fake = fakeClient(engine.methods);
  const dupes = new DuplicatesState(fake.client, 90);
  return { dupes, engine, fake, requests: () => fake.requests('getGroups') as GroupsRequest[] };
}

/** Every request names a page: an offset and a limit no bigger than one. */
function expectPagedOnly(requests: GroupsRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    expect(r.offset).toBeTypeOf('number');
    expect(r.limit).toBeLessThanOrEqual(GROUP_PAGE_SIZE);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const press = (dupes: DuplicatesState, key: string) => dupes.review.handle(reviewCommandFor({ key })!);

describe('Review paging', () => {
  it('opens with one page, shows the engine count, and scrolls 5,000 groups to the end page by page', async () => {
    const { dupes, requests } = setup();
    await dupes.load();
    const review = dupes.review;
    expect(requests()).toEqual([{ threshold: 90, offset: 0, limit: GROUP_PAGE_SIZE }]);
    expect(review.count).toBe(N);
    expect(review.visible).toHaveLength(GROUP_PAGE_SIZE);
    expect(review.tierCounts).toMatchObject({ exact: 1667, 'near-duplicate': 1667, similar: 1666 });
    expect(review.groupAt(GROUP_PAGE_SIZE)).toBeUndefined();

    // The list's window moves down 20 rows at a time, as a scroll does.
    for (let start = 0; start < N; start += 20) {
      review.showRows(start, start + 20);
      await settle();
    }
    for (let i = 0; i < N; i++) expect(review.groupAt(i)?.id).toBe(`g${i}`);
    expectPagedOnly(requests());
    // Each page once.
    expect(requests()).toHaveLength(N / GROUP_PAGE_SIZE);
  });

  it('holds a bounded number of pages over 15,000 groups, keeping the cursor and resolved groups', async () => {
    const n = 15_000;
    const { dupes, requests } = setup(n);
    await dupes.load();
    const review = dupes.review;
    await press(dupes, 'd'); // g0 resolved: its page stays
    review.select(150);
    for (let start = 0; start < n; start += GROUP_PAGE_SIZE) {
      review.showRows(start, start + 20);
      await settle();
    }
    review.showRows(n - 20, n);
    await settle();
    expect(review.groupAt(n - 1)?.id).toBe(`g${n - 1}`);
    expect(review.nav.pages.loadedPages).toBeLessThanOrEqual(MAX_LOADED_PAGES);
    expect(review.current?.id).toBe('g150');
    expect(review.resolutions.has('g0')).toBe(true);
    expect(review.groupAt(0)?.id).toBe('g0');
    // A dropped page comes back, still in line after the resolved g0.
    expect(review.groupAt(1000)).toBeUndefined();
    review.showRows(1000, 1020);
    await settle();
    expect(review.groupAt(1000)?.id).toBe('g1000');
    expectPagedOnly(requests());
  });

  it('follows the keyboard across pages: j past a page, End to the last group, Home back', async () => {
    const { dupes, requests } = setup();
    await dupes.load();
    const review = dupes.review;
    review.select(GROUP_PAGE_SIZE - 1);
    await press(dupes, 'j');
    await settle();
    expect(review.cursor).toBe(GROUP_PAGE_SIZE);
    expect(review.current?.id).toBe(`g${GROUP_PAGE_SIZE}`);

    await press(dupes, 'End');
    expect(review.cursor).toBe(N - 1);
    await settle();
    expect(review.current?.id).toBe(`g${N - 1}`);
    await press(dupes, 'Home');
    expect(review.current?.id).toBe('g0');
    expectPagedOnly(requests());
    // The first page, the one after it, and the last: not the 45 in between.
    expect(requests().length).toBeLessThanOrEqual(4);
  });

  it('a regroup fetches the rows on screen again, and the page the cursor is on', async () => {
    const { dupes, requests } = setup();
    await dupes.load();
    const review = dupes.review;
    review.select(1234);
    review.showRows(3000, 3020);
    await settle();
    dupes.threshold = 91;
    await dupes.load();
    await settle();
    expect(review.current?.id).toBe('g1234');
    expect(review.groupAt(3000)?.id).toBe('g3000');
    const regroup = requests().filter((r) => r.threshold === 91);
    expect(regroup.map((r) => r.offset).sort((a, b) => a! - b!)).toEqual([0, 1200, 3000]);
    expectPagedOnly(requests());
  });

  it('filters by tier in the engine, with counts of every tier kept', async () => {
    const { dupes, requests } = setup();
    await dupes.load();
    const review = dupes.review;
    await review.setTierFilter('similar');
    expect(requests().at(-1)).toEqual({ threshold: 90, tiers: ['similar'], offset: 0, limit: GROUP_PAGE_SIZE });
    expect(review.count).toBe(1666);
    expect(review.current?.id).toBe('g2');
    expect(review.tierCounts.exact).toBe(1667);
    await press(dupes, 'End');
    await settle();
    expect(review.current?.id).toBe('g4997');
    expect(review.current?.tier).toBe('similar');
    expectPagedOnly(requests());
  });

  it('keeps every later group in place after resolving groups the engine then leaves out', async () => {
    const { dupes, engine, requests } = setup();
    await dupes.load();
    const review = dupes.review;
    // d on g0, n on g1 (the cursor moves on by itself), then d on g5.
    await press(dupes, 'd');
    await press(dupes, 'n');
    review.select(5);
    await press(dupes, 'd');
    expect(engine.listed()).toHaveLength(N - 3);
    expect(review.error).toBeNull();
    review.showRows(GROUP_PAGE_SIZE, 3 * GROUP_PAGE_SIZE);
    await settle();
    for (let i = 0; i < 3 * GROUP_PAGE_SIZE; i++) expect(review.groupAt(i)?.id).toBe(`g${i}`);
    expect(review.resolutions.size).toBe(3);
    // The page after the three resolved groups starts three earlier in the engine's list.
    expect(requests().slice(-2).map((r) => r.offset)).toEqual([GROUP_PAGE_SIZE - 3, 2 * GROUP_PAGE_SIZE - 3]);
    // Undo brings g5 back in the engine; the list already had it, and the next page still lines up.
    await review.handle(reviewCommandFor({ key: 'z', ctrlKey: true })!);
    expect(review.isOpen('g5')).toBe(true);
    expect(engine.listed()).toHaveLength(N - 2);
    review.showRows(3 * GROUP_PAGE_SIZE, 3 * GROUP_PAGE_SIZE + 1);
    await settle();
    expect(review.groupAt(3 * GROUP_PAGE_SIZE)?.id).toBe(`g${3 * GROUP_PAGE_SIZE}`);
    expectPagedOnly(requests());
  });

  it('reloads, staying on the group shown, when the engine lost groups it did not resolve', async () => {
    const { dupes, engine, requests } = setup();
    await dupes.load();
    const review = dupes.review;
    review.select(42);
    engine.drop('g7');
    review.showRows(GROUP_PAGE_SIZE, GROUP_PAGE_SIZE + 20);
    await settle();
    await settle();
    expect(review.count).toBe(N - 1);
    expect(review.current?.id).toBe('g42');
    expect(review.groupAt(7)?.id).toBe('g8');
    review.showRows(GROUP_PAGE_SIZE, GROUP_PAGE_SIZE + 20);
    await settle();
    expect(review.groupAt(GROUP_PAGE_SIZE)?.id).toBe(`g${GROUP_PAGE_SIZE + 1}`);
    expectPagedOnly(requests());
  });

  it('resolves all, loaded or not, then shows the engine list; undo brings every group back', async () => {
    const { dupes, engine, requests } = setup();
    await dupes.load();
    await dupes.review.setTierFilter('exact');
    await dupes.prepareResolveAll();
    expect(dupes.confirming?.groups).toBe(1667);
    await dupes.confirmResolveAll();
    expect(engine.listed()).toHaveLength(N - 1667);
    expect(dupes.review.count).toBe(0);
    expect(dupes.review.tierCounts.exact).toBe(0);
    await dupes.review.undo();
    await settle();
    await settle();
    expect(dupes.review.count).toBe(1667);
    expect(dupes.review.current?.id).toBe('g0');
    expectPagedOnly(requests());
  });
});
