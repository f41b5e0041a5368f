// The duplicate-review keyboard map, as data: the help overlay and the tests read the same table.

export type ReviewCommand =
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'keep'; index: number }
  | { kind: 'trashOthers' }
  | { kind: 'moveOthers' }
  | { kind: 'notDuplicate' }
  | { kind: 'undo' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

/** Shown in the UI next to the list; order is the order of the help. */
export const reviewShortcuts: readonly { keys: string[]; action: string }[] = [
  { keys: ['J', '↓'], action: 'Next group' },
  { keys: ['K', '↑'], action: 'Previous group' },
  { keys: ['1–9'], action: 'Choose keeper' },
  { keys: ['D', 'Delete'], action: 'Trash the others' },
  { keys: ['M'], action: 'Move the others to a folder' },
  { keys: ['N'], action: 'Not a duplicate' },
  { keys: ['Ctrl+Z'], action: 'Undo' },
];

export function reviewCommandFor(e: KeyLike): ReviewCommand | null {
  const mod = Boolean(e.ctrlKey || e.metaKey);
  if (mod && !e.altKey && (e.key === 'z' || e.key === 'Z') && !e.shiftKey) return { kind: 'undo' };
  if (mod || e.altKey) return null;
  switch (e.key) {
    case 'j':
    case 'ArrowDown':
      return { kind: 'next' };
    case 'k':
    case 'ArrowUp':
      return { kind: 'prev' };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case 'd':
    case 'Delete':
      return { kind: 'trashOthers' };
    case 'm':
      return { kind: 'moveOthers' };
    case 'n':
      return { kind: 'notDuplicate' };
  }
  if (/^[1-9]$/.test(e.key)) return { kind: 'keep', index: Number(e.key) - 1 };
  return null;
}

/** Typing in a field or moving a slider must never trigger review commands. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  return el.closest('input, textarea, select, [role="slider"], dialog') !== null;
}
