// Which duplicate group is on screen: the groups (a page at a time, GroupPages), the tier filter over them, and the
// cursor into what is visible. Knows nothing of files: review tells it which groups are still open when it should
// move past the others. Where the groups come from is an opener: a list in hand, or the engine's pages.
import type { DuplicateGroup } from '../../../electron/shared/contract.js';
import { GROUP_PAGE_SIZE, GroupPages } from './groupPages.svelte.js';
import type { TierFilter } from './reviewTypes.js';

/** The groups a tier filter shows; `around` is the index the cursor was at, so its page comes with the first. */
export type GroupOpener = (filter: TierFilter, around: number) => GroupPages | Promise<GroupPages>;

/** Rows fetched ahead of the cursor, so j, j, j rarely waits. */
const LOOKAHEAD = Math.floor(GROUP_PAGE_SIZE / 4);

const listOpener =
  (groups: readonly DuplicateGroup[]): GroupOpener =>
  (filter) =>
    GroupPages.of(filter === 'all' ? groups : groups.filter((g) => g.tier === filter), GroupPages.of(groups).tierCounts);

export class GroupCursor {
  pages = $state.raw<GroupPages>(GroupPages.of([]));
  tierFilter = $state<TierFilter>('all');
  cursor = $state(0);
  #opener: GroupOpener = listOpener([]);
  #opening = 0;
  /** The rows the list shows (its last window): new groups fetch them too. */
  #window: [number, number] = [0, 0];

  /** Every group of the visible list, loaded or not (the engine's count). */
  readonly count = $derived(this.pages.total);
  /** The loaded groups of the visible list, in order. */
  readonly visible = $derived(this.pages.loaded());
  readonly current = $derived<DuplicateGroup | undefined>(this.pages.at(this.cursor));
  readonly tierCounts = $derived(this.pages.tierCounts);

  /** A whole list (tests, and callers without an engine): stay on the same group when it still exists. */
  load(groups: readonly DuplicateGroup[]): void {
    void this.use(listOpener(groups));
  }

  /** New groups (first load or a regroup): stay on the same group when it is still near where it was. */
  use(opener: GroupOpener): Promise<void> | void {
    this.#opener = opener;
    return this.#reopen(false);
  }

  setTierFilter(filter: TierFilter): Promise<void> | void {
    this.tierFilter = filter;
    return this.#reopen(true);
  }

  /** The group at a list index, when its page is loaded (the list shows a placeholder until then). */
  at(index: number): DuplicateGroup | undefined {
    return this.pages.at(index);
  }

  /** Rows the list shows: their pages are fetched. */
  showRows(start: number, end: number): void {
    this.#window = [start, end];
    void this.pages.ensureRange(start, end);
  }

  select(index: number): void {
    if (this.count === 0) return;
    this.cursor = Math.min(this.count - 1, Math.max(0, index));
    this.pages.pin(this.cursor);
    void this.pages.ensureRange(this.cursor - LOOKAHEAD, this.cursor + LOOKAHEAD + 1);
  }

  move(delta: number): void {
    this.select(this.cursor + delta);
  }

  /** Shows a group again (after an undo or a failure), when the filter lets it be seen. */
  reveal(groupId: string): void {
    const i = this.pages.indexOf(groupId);
    if (i >= 0) this.select(i);
  }

  /** After resolving the current group, go to the next one still open (the user's flow is d, d, d…). */
  advanceFrom(groupId: string, isOpen: (groupId: string) => boolean): void {
    const from = this.pages.indexOf(groupId);
    if (from < 0 || this.current?.id !== groupId) return;
    for (let i = from + 1; i < this.count; i++) {
      const g = this.pages.at(i);
      // A group not loaded yet was never resolved here: it is open.
      if (!g || isOpen(g.id)) return this.select(i);
    }
  }

  #reopen(filterChanged: boolean): Promise<void> | void {
    const opening = ++this.#opening;
    const currentId = this.current?.id;
    const opened = this.#opener(this.tierFilter, filterChanged ? 0 : this.cursor);
    const apply = (pages: GroupPages) => {
      if (opening !== this.#opening) return; // a newer list is on its way
      this.pages = pages;
      const again = pages.indexOf(currentId);
      const fallback = filterChanged ? 0 : Math.min(this.cursor, Math.max(0, pages.total - 1));
      this.cursor = again >= 0 ? again : fallback;
      pages.pin(this.cursor);
      void pages.ensureRange(...this.#window);
    };
    if (opened instanceof GroupPages) return apply(opened);
    return opened.then(apply);
  }
}
