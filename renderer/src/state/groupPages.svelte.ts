// One grouping's duplicate groups as the engine pages them: what is loaded, what is being fetched, and how many
// there are. The Review never holds every group of a large library: rows, the cursor and keyboard moves ask for
// the page they need (GROUP_PAGE_SIZE at a time).
//
// Resolved groups stay in the list as resolved, but the engine drops them from its own: a page after them starts
// that many groups earlier there. The engine's count says whether that is all that changed; when it is not (a
// scan, a partial resolve), the grouping is stale and the owner reloads it.
import { SvelteMap } from 'svelte/reactivity';
import type { DuplicateGroup, GroupsResult, Tier } from '../../../electron/shared/contract.js';
import { countTiers } from '../lib/tiers.js';

/** Groups per request: no call asks for more. */
export const GROUP_PAGE_SIZE = 100;
/**
 * Pages kept in memory (10,000 groups): scrolling through a million groups drops the pages farthest from the
 * new one, except the cursor's and any holding a resolved group (the offsets of later pages depend on those).
 */
export const MAX_LOADED_PAGES = 100;

export type FetchGroups = (offset: number, limit: number) => Promise<GroupsResult>;

export interface PagedOptions {
  /** A group the user resolved: the engine no longer lists it. */
  isGone(groupId: string): boolean;
  /** The engine's groups changed in another way: load the grouping again. */
  onStale(): void;
  onError(err: unknown): void;
}

export class GroupPages {
  /** Groups in this grouping (resolved ones included). */
  readonly total: number;
  readonly tierCounts: Record<Tier, number>;
  /** The engine's totals for the request (null for a list given whole). */
  readonly totals: GroupsResult['totals'] | null;
  readonly #pages = new SvelteMap<number, readonly DuplicateGroup[]>();
  readonly #inflight = new Map<number, Promise<void>>();
  readonly #fetch: FetchGroups | null;
  readonly #options: PagedOptions | null;
  #stale = false;
  /** The cursor's page: never dropped. */
  #pinned = 0;

  private constructor(first: { total: number; tierCounts: Record<Tier, number>; totals: GroupsResult['totals'] | null }, fetch: FetchGroups | null, options: PagedOptions | null) {
    this.total = first.total;
    this.tierCounts = first.tierCounts;
    this.totals = first.totals;
    this.#fetch = fetch;
    this.#options = options;
  }

  /** A list already in hand (tests, and the empty state). */
  static of(groups: readonly DuplicateGroup[], tierCounts: Record<Tier, number> = countTiers(groups)): GroupPages {
    const pages = new GroupPages({ total: groups.length, tierCounts, totals: null }, null, null);
    for (let p = 0; p * GROUP_PAGE_SIZE < groups.length; p++) pages.#pages.set(p, groups.slice(p * GROUP_PAGE_SIZE, (p + 1) * GROUP_PAGE_SIZE));
    return pages;
  }

  /** The first page, and the page around `index` (where the cursor was), from the engine. */
  static async open(fetch: FetchGroups, options: PagedOptions, index = 0): Promise<GroupPages> {
    const first = await fetch(0, GROUP_PAGE_SIZE);
    const pages = new GroupPages({ total: first.totals.groups, tierCounts: first.tierCounts, totals: first.totals }, fetch, options);
    pages.#pages.set(0, first.groups.slice(0, GROUP_PAGE_SIZE));
    await pages.ensure(Math.min(index, Math.max(0, pages.total - 1)));
    return pages;
  }

  at(index: number): DuplicateGroup | undefined {
    return this.#pages.get(Math.floor(index / GROUP_PAGE_SIZE))?.[index % GROUP_PAGE_SIZE];
  }

  /** Every loaded group, in list order. */
  loaded(): DuplicateGroup[] {
    return [...this.#pages.keys()].sort((a, b) => a - b).flatMap((p) => this.#pages.get(p)!);
  }

  /** The group's index, when its page is loaded; -1 otherwise. */
  indexOf(groupId: string | undefined): number {
    if (groupId === undefined) return -1;
    for (const [p, groups] of this.#pages) {
      const i = groups.findIndex((g) => g.id === groupId);
      if (i >= 0) return p * GROUP_PAGE_SIZE + i;
    }
    return -1;
  }

  /** Loads the pages that rows start…end-1 fall in (the list's window, or the cursor and what is next to it). */
  async ensureRange(start: number, end: number): Promise<void> {
    const from = Math.max(0, start);
    const to = Math.min(this.total, end);
    const waits: Promise<void>[] = [];
    for (let p = Math.floor(from / GROUP_PAGE_SIZE); p * GROUP_PAGE_SIZE < to; p++) waits.push(this.#load(p));
    await Promise.all(waits);
  }

  ensure(index: number): Promise<void> {
    return this.ensureRange(index, index + 1);
  }

  /** Keeps the page of `index` (the cursor's) loaded. */
  pin(index: number): void {
    this.#pinned = Math.floor(index / GROUP_PAGE_SIZE);
  }

  /** Loaded pages now (bounded by MAX_LOADED_PAGES, resolved groups aside). */
  get loadedPages(): number {
    return this.#pages.size;
  }

  #load(page: number): Promise<void> {
    if (this.#pages.has(page) || !this.#fetch || this.#stale) return Promise.resolve();
    let pending = this.#inflight.get(page);
    if (!pending) {
      pending = this.#fetchPage(page, this.#fetch).finally(() => this.#inflight.delete(page));
      this.#inflight.set(page, pending);
    }
    return pending;
  }

  async #fetchPage(page: number, fetch: FetchGroups): Promise<void> {
    const options = this.#options!;
    const start = page * GROUP_PAGE_SIZE;
    // Only loaded groups can have been resolved: count those before this page, and all of them.
    let goneBefore = 0;
    let gone = 0;
    for (const [p, groups] of this.#pages) {
      const n = groups.filter((g) => options.isGone(g.id)).length;
      gone += n;
      if (p < page) goneBefore += n;
    }
    try {
      const result = await fetch(start - goneBefore, GROUP_PAGE_SIZE);
      if (this.#stale) return;
      if (result.totals.groups !== this.total - gone) {
        this.#stale = true;
        options.onStale();
        return;
      }
      this.#pages.set(page, result.groups.slice(0, GROUP_PAGE_SIZE));
      this.#evictFrom(page);
    } catch (err) {
      options.onError(err);
    }
  }

  #evictFrom(page: number): void {
    if (this.#pages.size <= MAX_LOADED_PAGES || !this.#options) return;
    const isGone = this.#options.isGone;
    const droppable = [...this.#pages]
      .filter(([p, groups]) => p !== page && p !== this.#pinned && !groups.some((g) => isGone(g.id)))
      .map(([p]) => p)
      .sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
    for (const p of droppable.slice(0, this.#pages.size - MAX_LOADED_PAGES)) this.#pages.delete(p);
  }
}
