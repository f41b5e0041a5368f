// Where a neighbour load's time went, for the benches (bench/scale.ts reports it per step): a 1M library's first
// search and its incremental updates are each several steps, and only some of them grow with the library.

export interface NeighborPhases {
  /** Reading the stored lists. */
  storedMs?: number;
  /** Reading the library's vectors. */
  vectorsMs?: number;
  /** The search; includes indexReadMs and indexWriteMs when the saved index was extended. */
  searchMs?: number;
  /** Writing the lists (and, after a full search, the index). */
  writeMs?: number;
  indexReadMs?: number;
  indexWriteMs?: number;
}

/** Runs `f`, adding its milliseconds to `phases[key]`. */
export function timed<T>(phases: NeighborPhases, key: keyof NeighborPhases, f: () => T): T {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    phases[key] = Math.round((phases[key] ?? 0) + performance.now() - t0);
  }
}
