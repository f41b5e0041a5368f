// Which duplicate group is on screen: the groups, the tier filter over them, and the cursor into what is visible.
// Knows nothing of files: review tells it which groups are still open when it should move past the others.
import type { DuplicateGroup } from '../../../electron/shared/contract.js';
import { countTiers } from '../lib/tiers.js';
import type { TierFilter } from './reviewTypes.js';

export class GroupCursor {
  groups = $state.raw<readonly DuplicateGroup[]>([]);
  tierFilter = $state<TierFilter>('all');
  cursor = $state(0);

  readonly visible = $derived(
    this.tierFilter === 'all' ? this.groups : this.groups.filter((g) => g.tier === this.tierFilter),
  );
  readonly current = $derived<DuplicateGroup | undefined>(this.visible[this.cursor]);
  readonly tierCounts = $derived(countTiers(this.groups));

  /** New groups (first load or a regroup): stay on the same group when it still exists. */
  load(groups: readonly DuplicateGroup[]): void {
    const currentId = this.current?.id;
    this.groups = groups;
    const again = currentId === undefined ? -1 : this.visible.findIndex((g) => g.id === currentId);
    this.cursor = again >= 0 ? again : Math.min(this.cursor, Math.max(0, this.visible.length - 1));
  }

  setTierFilter(filter: TierFilter): void {
    const currentId = this.current?.id;
    this.tierFilter = filter;
    this.cursor = Math.max(0, this.visible.findIndex((g) => g.id === currentId));
  }

  select(index: number): void {
    if (this.visible.length === 0) return;
    this.cursor = Math.min(this.visible.length - 1, Math.max(0, index));
  }

  move(delta: number): void {
    this.select(this.cursor + delta);
  }

  /** Shows a group again (after an undo or a failure), when the filter lets it be seen. */
  reveal(groupId: string): void {
    const i = this.visible.findIndex((g) => g.id === groupId);
    if (i >= 0) this.cursor = i;
  }

  /** After resolving the current group, go to the next one still open (the user's flow is d, d, d…). */
  advanceFrom(groupId: string, isOpen: (groupId: string) => boolean): void {
    const from = this.visible.findIndex((g) => g.id === groupId);
    if (from < 0 || this.visible[this.cursor]?.id !== groupId) return;
    for (let i = from + 1; i < this.visible.length; i++) {
      if (isOpen(this.visible[i]!.id)) {
        this.cursor = i;
        return;
      }
    }
  }
}
