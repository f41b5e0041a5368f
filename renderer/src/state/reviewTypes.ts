// The shapes review works with: what it asks the shell to do (ReviewEffects), what it records per group
// (Resolution), and the steps it can undo.
import type { ActionResult, PathFailure, Tier } from '../../../electron/shared/contract.js';

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

/** One undoable step: a keeper choice (undone here), or a file operation or mark (undone by the shell). */
export type UndoEntry =
  | { kind: 'keeper'; groupId: string; previous: string | undefined }
  | { kind: 'files'; disposal: Disposal; groupIds: string[]; actionId: string; fileCount: number }
  | { kind: 'notDuplicate'; groupId: string; actionId: string | null };

export interface BulkPlan {
  groupIds: string[];
  files: number;
  bytes: number;
}

/** "Could not restore: /p/a.jpg: EACCES (and 2 more)": the first failure named, the rest counted. */
export function describeFailures(head: string, failed: readonly PathFailure[]): string {
  if (failed.length === 0) return head;
  const first = failed[0]!;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return `${head}: ${first.path}: ${first.error}${more}`;
}
