// Reordering for the user-ordered lists (keep rules, preferred folders): pure, so the state and the tests share it.

/** A copy of `list` with the item at `index` moved by `delta` places; out-of-range moves return an unchanged copy. */
export function moveItem<T>(list: readonly T[], index: number, delta: number): T[] {
  const next = [...list];
  const to = index + delta;
  if (index < 0 || index >= next.length || to < 0 || to >= next.length) return next;
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

/** A copy of `list` without the item at `index`. */
export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}
