// Duplicate review: who is kept, what was resolved, and how to undo it. Which group is on screen is GroupCursor's;
// the file operations are injected (ReviewEffects) and run one at a time (OperationQueue), so this class is the
// review logic and nothing else; every destructive step records the action id that undoes it before the UI moves on.
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ActionResult, DuplicateGroup, GroupMember } from '../../../electron/shared/contract.js';
import { messageOf } from '../lib/errors.js';
import { baseName, dirName, plural, sameFolder } from '../lib/format.js';
import type { ReviewCommand } from '../lib/reviewKeys.js';
import { GroupCursor } from './groupCursor.svelte.js';
import { OperationQueue } from './operationQueue.svelte.js';
import { describeFailures, type BulkPlan, type Disposal, type Resolution, type ReviewEffects, type TierFilter, type UndoEntry } from './reviewTypes.js';

export type { BulkPlan, Disposal, Resolution, ReviewEffects, TierFilter } from './reviewTypes.js';

/**
 * A file in a reference folder or matching an exclusion in Settings is never trashed or moved, nor one of a
 * RAW+JPEG pair unless the pair rule in Settings drops it and its partner is the keeper.
 */
const isProtected = (m: GroupMember, keeper: string): boolean =>
  m.reference || m.excluded || (!!m.pair && !(m.pair.droppable && m.pair.partner === keeper));
const NOTHING_ELSE = 'the other files are in reference folders, excluded in Settings, or one of a RAW+JPEG pair';

export class ReviewState {
  readonly nav = new GroupCursor();
  /** The last thing done, for the status line ("Moved 2 files to the trash"). */
  notice = $state<string | null>(null);
  /** Keeper paths the user chose, by group id (else the engine's suggestion). */
  readonly keepers = new SvelteMap<string, string>();
  readonly resolutions = new SvelteMap<string, Resolution>();
  /** Groups whose file operation is queued or running: the cursor has already moved past them. */
  readonly pending = new SvelteSet<string>();
  #undo = $state.raw<readonly UndoEntry[]>([]);
  readonly #queue = new OperationQueue();
  /** A second m while the folder dialog is open must not open another. */
  #choosingFolder = false;
  readonly #effects: ReviewEffects;

  readonly canUndo = $derived(this.#undo.length > 0);
  readonly resolvedCount = $derived(this.nav.visible.filter((g) => this.resolutions.has(g.id)).length);

  constructor(effects: ReviewEffects) {
    this.#effects = effects;
  }

  /** The loaded groups of the visible list (a page at a time: not every group of a large library). */
  get visible(): readonly DuplicateGroup[] {
    return this.nav.visible;
  }
  /** How many groups the visible list has, loaded or not. */
  get count(): number {
    return this.nav.count;
  }
  groupAt(index: number): DuplicateGroup | undefined {
    return this.nav.at(index);
  }
  /** The list shows these rows: fetch their pages. */
  showRows(start: number, end: number): void {
    this.nav.showRows(start, end);
  }
  get current(): DuplicateGroup | undefined {
    return this.nav.current;
  }
  get cursor(): number {
    return this.nav.cursor;
  }
  get tierFilter(): TierFilter {
    return this.nav.tierFilter;
  }
  get tierCounts() {
    return this.nav.tierCounts;
  }
  get busy(): boolean {
    return this.#queue.busy;
  }
  get error(): string | null {
    return this.#queue.error;
  }
  set error(message: string | null) {
    this.#queue.error = message;
  }

  load(groups: readonly DuplicateGroup[]): void {
    this.nav.load(groups);
  }
  setTierFilter(filter: TierFilter): Promise<void> | void {
    const opened = this.nav.setTierFilter(filter);
    return opened?.catch((err: unknown) => {
      this.error = messageOf(err);
    });
  }
  select(index: number): void {
    this.nav.select(index);
  }
  move(delta: number): void {
    this.nav.move(delta);
  }

  keeperOf(group: DuplicateGroup): string {
    return this.keepers.get(group.id) ?? group.keep;
  }

  /** What "trash/move the others" would remove: everything but the keeper, never a protected file. */
  targetsOf(group: DuplicateGroup): string[] {
    const keeper = this.keeperOf(group);
    return group.members.filter((m) => m.path !== keeper && !isProtected(m, keeper)).map((m) => m.path);
  }

  /** Neither resolved nor waiting on a file operation. */
  isOpen(groupId: string): boolean {
    return !this.resolutions.has(groupId) && !this.pending.has(groupId);
  }

  chooseKeeper(memberIndex: number): void {
    const group = this.current;
    const member = group?.members[memberIndex];
    if (!group || !member || !this.isOpen(group.id)) return;
    const previous = this.keepers.get(group.id);
    if ((previous ?? group.keep) === member.path) return;
    this.keepers.set(group.id, member.path);
    this.#undo = [...this.#undo, { kind: 'keeper', groupId: group.id, previous }];
  }

  trashOthers(): Promise<void> {
    const group = this.current;
    if (!group || !this.isOpen(group.id)) return Promise.resolve();
    const targets = this.targetsOf(group);
    if (targets.length === 0) {
      this.notice = `Nothing to trash: ${NOTHING_ELSE}`;
      return Promise.resolve();
    }
    return this.#disposeOthers(group, targets, { action: 'trash' });
  }

  /** Asks for a folder, then moves every target of the current group into it (one undoable step). */
  async moveOthers(): Promise<void> {
    const group = this.current;
    if (!group || !this.isOpen(group.id)) return;
    const targets = this.targetsOf(group);
    if (targets.length === 0) {
      this.notice = `Nothing to move: ${NOTHING_ELSE}`;
      return;
    }
    const dest = await this.#chooseFolder();
    // The group may have been resolved or regrouped away while the dialog was open.
    if (dest === null || this.current?.id !== group.id || !this.isOpen(group.id)) return;
    // Moving into the folder a file already sits in would only rename it.
    const alreadyThere = targets.find((p) => sameFolder(dirName(p), dest));
    if (alreadyThere !== undefined) {
      this.error = `Choose another folder: ${baseName(alreadyThere)} is already in ${dest}`;
      return;
    }
    return this.#disposeOthers(group, targets, { action: 'move', dest });
  }

  /** The folder the user chose, or null when they cancelled, the dialog failed, or it is already open. */
  async #chooseFolder(): Promise<string | null> {
    if (this.#choosingFolder) return null;
    this.#choosingFolder = true;
    try {
      return await this.#effects.chooseFolder();
    } catch (err) {
      this.error = `Could not open the folder dialog: ${messageOf(err)}`;
      return null;
    } finally {
      this.#choosingFolder = false;
    }
  }

  #disposeOthers(group: DuplicateGroup, targets: string[], disposal: Disposal): Promise<void> {
    const keeper = this.keeperOf(group);
    return this.#resolveGroup(group.id, async () => {
      const result = await this.#effects.resolve(keeper, targets, disposal);
      this.#recordFiles([group.id], disposal, result, () => {
        this.resolutions.set(
          group.id,
          disposal.action === 'trash'
            ? { kind: 'trashed', keeper, trashed: result.done }
            : { kind: 'moved', keeper, moved: result.done, dest: disposal.dest },
        );
      });
    });
  }

  markNotDuplicate(): Promise<void> {
    const group = this.current;
    if (!group || !this.isOpen(group.id)) return Promise.resolve();
    const paths = group.members.map((m) => m.path);
    return this.#resolveGroup(group.id, async () => {
      const actionId = await this.#effects.markNotDuplicate(paths);
      this.resolutions.set(group.id, { kind: 'notDuplicate' });
      this.#undo = [...this.#undo, { kind: 'notDuplicate', groupId: group.id, actionId }];
      this.notice = 'Marked as not a duplicate';
    });
  }

  /** What the engine suggests trashing: the user's keeper choices do not apply ("resolve as suggested"). */
  suggestedTargetsOf(group: DuplicateGroup): string[] {
    return group.members.filter((m) => m.path !== group.keep && !isProtected(m, group.keep)).map((m) => m.path);
  }

  /** The groups a bulk resolve covers: those loaded (tier filter applies) still open. */
  bulkPlan(): BulkPlan {
    const plan: BulkPlan = { groupIds: [], files: 0, bytes: 0 };
    for (const g of this.visible) {
      if (!this.isOpen(g.id)) continue;
      const targets = new Set(this.suggestedTargetsOf(g));
      if (targets.size === 0) continue;
      plan.groupIds.push(g.id);
      plan.files += targets.size;
      for (const m of g.members) if (targets.has(m.path)) plan.bytes += m.bytes;
    }
    return plan;
  }

  /** Runs a bulk resolve (`execute` asks the shell, which makes it one action) as one undo step. */
  resolveAll(groupIds: string[], execute: () => Promise<ActionResult>): Promise<void> {
    // groupIds may be empty: the groups it covers need not be loaded (the list is paged).
    const byId = new Map(this.visible.map((g) => [g.id, g]));
    for (const id of groupIds) this.pending.add(id);
    return this.#queue.run(async () => {
      try {
        const result = await execute();
        const done = new Set(result.done);
        this.#recordFiles(groupIds, { action: 'trash' }, result, () => {
          for (const id of groupIds) {
            const g = byId.get(id);
            if (!g) continue;
            const trashed = this.suggestedTargetsOf(g).filter((p) => done.has(p));
            if (trashed.length > 0) this.resolutions.set(id, { kind: 'trashed', keeper: g.keep, trashed });
          }
        });
      } finally {
        for (const id of groupIds) this.pending.delete(id);
      }
    });
  }

  /** Undoes the last finished step, after any still queued (so Ctrl+Z right after d undoes that d). */
  undo(): Promise<void> {
    return this.#queue.run(async () => {
      const entry = this.#undo.at(-1);
      if (!entry) return;
      await this.#revert(entry);
      this.#undo = this.#undo.slice(0, -1);
    });
  }

  async #revert(entry: UndoEntry): Promise<void> {
    if (entry.kind === 'keeper') {
      if (entry.previous === undefined) this.keepers.delete(entry.groupId);
      else this.keepers.set(entry.groupId, entry.previous);
      this.nav.reveal(entry.groupId);
      this.notice = 'Keeper choice undone';
    } else if (entry.kind === 'files') {
      const { failed } = await this.#effects.undo(entry.actionId);
      if (failed.length > 0) throw new Error(describeFailures('Could not restore', failed));
      for (const id of entry.groupIds) this.resolutions.delete(id);
      this.nav.reveal(entry.groupIds[0]!);
      this.notice =
        entry.disposal.action === 'trash'
          ? `Restored ${plural(entry.fileCount, 'file')} from the trash`
          : `Moved ${plural(entry.fileCount, 'file')} back from ${entry.disposal.dest}`;
    } else {
      if (entry.actionId !== null) await this.#effects.undo(entry.actionId);
      this.resolutions.delete(entry.groupId);
      this.nav.reveal(entry.groupId);
      this.notice = 'Not-a-duplicate mark undone';
    }
  }

  handle(command: ReviewCommand): Promise<void> | void {
    switch (command.kind) {
      case 'next':
        return this.move(1);
      case 'prev':
        return this.move(-1);
      case 'first':
        return this.select(0);
      case 'last':
        return this.select(this.count - 1);
      case 'keep':
        return this.chooseKeeper(command.index);
      case 'trashOthers':
        return this.trashOthers();
      case 'moveOthers':
        return this.moveOthers();
      case 'notDuplicate':
        return this.markNotDuplicate();
      case 'undo':
        return this.undo();
    }
  }

  /** A partial success still resolves (and is undoable); the files that failed are named. */
  #recordFiles(groupIds: string[], disposal: Disposal, result: ActionResult, apply: () => void): void {
    const where = disposal.action === 'trash' ? 'the trash' : disposal.dest;
    if (result.actionId === null || result.done.length === 0) {
      throw new Error(describeFailures(`Nothing was moved to ${where}`, result.failed));
    }
    apply();
    this.#undo = [...this.#undo, { kind: 'files', disposal, groupIds, actionId: result.actionId, fileCount: result.done.length }];
    this.notice = `Moved ${plural(result.done.length, 'file')} to ${where}`;
    if (result.failed.length > 0) this.error = describeFailures('Some files were not moved', result.failed);
  }

  /**
   * Moves on at once (d, d, d must not wait for the disk) and queues the work; if it fails, the group is
   * open again and shown, with the error.
   */
  #resolveGroup(groupId: string, work: () => Promise<void>): Promise<void> {
    this.pending.add(groupId);
    this.nav.advanceFrom(groupId, (id) => this.isOpen(id));
    return this.#queue.run(async () => {
      try {
        await work();
      } catch (err) {
        this.nav.reveal(groupId);
        throw err;
      } finally {
        this.pending.delete(groupId);
      }
    });
  }
}
