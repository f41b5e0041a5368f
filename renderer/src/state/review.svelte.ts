// Duplicate review: which group is current, who is kept, what was resolved, and how to undo it. The file
// operations are injected (ReviewEffects), so this class is the whole review logic and nothing else; every
// destructive step records the action id that undoes it before the UI moves on.
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ActionResult, DuplicateGroup, PathFailure, Tier } from '../../../electron/shared/contract.js';
import { baseName } from '../lib/format.js';
import type { ReviewCommand } from '../lib/reviewKeys.js';

export type TierFilter = Tier | 'all';

/** Where resolved files go: the OS trash, or a folder the user chose. */
export type Disposal = { action: 'trash' } | { action: 'move'; dest: string };

/** The file operations review needs (lib/api.ts binds them to the shell; tests bind them to a temp folder). */
export interface ReviewEffects {
  resolve(keep: string, targets: string[], disposal: Disposal): Promise<ActionResult>;
  /** Asks the user for a folder to move files into; null when they cancelled. */
  chooseFolder(): Promise<string | null>;
  /** The action id that undoes the mark, or null when the shell cannot undo it. */
  markNotDuplicate(paths: string[]): Promise<string | null>;
  undo(actionId: string): Promise<{ failed: PathFailure[] }>;
}

export type Resolution =
  | { kind: 'trashed'; keeper: string; trashed: string[] }
  | { kind: 'moved'; keeper: string; moved: string[]; dest: string }
  | { kind: 'notDuplicate' };

type UndoEntry =
  | { kind: 'keeper'; groupId: string; previous: string | undefined }
  | { kind: 'files'; disposal: Disposal; groupIds: string[]; actionId: string; fileCount: number }
  | { kind: 'notDuplicate'; groupId: string; actionId: string | null };

export interface BulkPlan {
  groupIds: string[];
  files: number;
  bytes: number;
}

export class ReviewState {
  groups = $state.raw<readonly DuplicateGroup[]>([]);
  tierFilter = $state<TierFilter>('all');
  cursor = $state(0);
  error = $state<string | null>(null);
  /** The last thing done, for the status line ("Moved 2 files to the trash"). */
  notice = $state<string | null>(null);
  busy = $state(false);
  /** Keeper paths the user chose, by group id (else the engine's suggestion). */
  readonly keepers = new SvelteMap<string, string>();
  readonly resolutions = new SvelteMap<string, Resolution>();
  /** Groups whose file operation is queued or running: the cursor has already moved past them. */
  readonly pending = new SvelteSet<string>();
  #undo = $state.raw<readonly UndoEntry[]>([]);
  #queue: Promise<void> = Promise.resolve();
  /** A second m while the folder dialog is open must not open another. */
  #choosingFolder = false;
  readonly #effects: ReviewEffects;

  readonly visible = $derived(
    this.tierFilter === 'all' ? this.groups : this.groups.filter((g) => g.tier === this.tierFilter),
  );
  readonly current = $derived<DuplicateGroup | undefined>(this.visible[this.cursor]);
  readonly canUndo = $derived(this.#undo.length > 0);
  readonly resolvedCount = $derived(this.visible.filter((g) => this.resolutions.has(g.id)).length);
  readonly tierCounts = $derived(countTiers(this.groups));

  constructor(effects: ReviewEffects) {
    this.#effects = effects;
  }

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

  keeperOf(group: DuplicateGroup): string {
    return this.keepers.get(group.id) ?? group.keep;
  }

  /** What "trash/move the others" would remove: everything but the keeper, and never a reference file. */
  targetsOf(group: DuplicateGroup): string[] {
    const keeper = this.keeperOf(group);
    return group.members.filter((m) => m.path !== keeper && !m.reference).map((m) => m.path);
  }

  /** Neither resolved nor waiting on a file operation. */
  isOpen(groupId: string): boolean {
    return !this.resolutions.has(groupId) && !this.pending.has(groupId);
  }

  select(index: number): void {
    if (this.visible.length === 0) return;
    this.cursor = Math.min(this.visible.length - 1, Math.max(0, index));
  }

  move(delta: number): void {
    this.select(this.cursor + delta);
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
      this.notice = 'Nothing to trash: the other files are in reference folders';
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
      this.notice = 'Nothing to move: the other files are in reference folders';
      return;
    }
    if (this.#choosingFolder) return;
    let dest: string | null;
    this.#choosingFolder = true;
    try {
      dest = await this.#effects.chooseFolder();
    } catch (err) {
      this.error = `Could not open the folder dialog: ${err instanceof Error ? err.message : String(err)}`;
      return;
    } finally {
      this.#choosingFolder = false;
    }
    // The group may have been resolved or regrouped away while the dialog was open.
    if (dest === null || this.current?.id !== group.id || !this.isOpen(group.id)) return;
    // Moving into the folder a file already sits in would only rename it.
    const sameFolder = targets.find((p) => sameDir(dirName(p), dest));
    if (sameFolder !== undefined) {
      this.error = `Choose another folder: ${baseName(sameFolder)} is already in ${dest}`;
      return;
    }
    return this.#disposeOthers(group, targets, { action: 'move', dest });
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
    return group.members.filter((m) => m.path !== group.keep && !m.reference).map((m) => m.path);
  }

  /** The groups a bulk resolve covers: those on screen (tier filter applies) still open. */
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
    if (groupIds.length === 0) return Promise.resolve();
    const byId = new Map(this.groups.map((g) => [g.id, g]));
    for (const id of groupIds) this.pending.add(id);
    return this.#run(async () => {
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
    return this.#run(async () => {
      const entry = this.#undo.at(-1);
      if (!entry) return;
      if (entry.kind === 'keeper') {
        if (entry.previous === undefined) this.keepers.delete(entry.groupId);
        else this.keepers.set(entry.groupId, entry.previous);
        this.#reveal(entry.groupId);
        this.notice = 'Keeper choice undone';
      } else if (entry.kind === 'files') {
        const { failed } = await this.#effects.undo(entry.actionId);
        if (failed.length > 0) throw new Error(describeFailures('Could not restore', failed));
        for (const id of entry.groupIds) this.resolutions.delete(id);
        this.#reveal(entry.groupIds[0]!);
        this.notice =
          entry.disposal.action === 'trash'
            ? `Restored ${plural(entry.fileCount, 'file')} from the trash`
            : `Moved ${plural(entry.fileCount, 'file')} back from ${entry.disposal.dest}`;
      } else {
        if (entry.actionId !== null) await this.#effects.undo(entry.actionId);
        this.resolutions.delete(entry.groupId);
        this.#reveal(entry.groupId);
        this.notice = 'Not-a-duplicate mark undone';
      }
      this.#undo = this.#undo.slice(0, -1);
    });
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
        return this.select(this.visible.length - 1);
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
    this.#advanceFrom(groupId);
    return this.#run(async () => {
      try {
        await work();
      } catch (err) {
        this.#reveal(groupId);
        throw err;
      } finally {
        this.pending.delete(groupId);
      }
    });
  }

  /** File operations run one at a time in key-press order; a failure shows and changes nothing. */
  #run(work: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(async () => {
      this.busy = true;
      this.error = null;
      try {
        await work();
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
      } finally {
        this.busy = false;
      }
    });
    this.#queue = next;
    return next;
  }

  #reveal(groupId: string): void {
    const i = this.visible.findIndex((g) => g.id === groupId);
    if (i >= 0) this.cursor = i;
  }

  /** After resolving, go to the next group still open (the user's flow is d, d, d…). */
  #advanceFrom(groupId: string): void {
    const from = this.visible.findIndex((g) => g.id === groupId);
    if (from < 0 || this.visible[this.cursor]?.id !== groupId) return;
    for (let i = from + 1; i < this.visible.length; i++) {
      if (this.isOpen(this.visible[i]!.id)) {
        this.cursor = i;
        return;
      }
    }
  }
}

function countTiers(groups: readonly DuplicateGroup[]): Record<Tier, number> {
  const counts: Record<Tier, number> = { exact: 0, 'same-pixels': 0, 'near-duplicate': 0, similar: 0 };
  for (const g of groups) counts[g.tier]++;
  return counts;
}

function describeFailures(head: string, failed: PathFailure[]): string {
  if (failed.length === 0) return head;
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return `${head}: ${first.path}: ${first.error}${more}`;
}

/** The folder part of a path, for either separator (paths come from any OS). */
function dirName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut <= 0 ? path.slice(0, cut + 1) : path.slice(0, cut);
}

/** Folder equality up to trailing separators (a dialog may return `/a/b/`). */
function sameDir(a: string, b: string): boolean {
  const trim = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
  return trim(a) === trim(b);
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
