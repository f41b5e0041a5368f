// Maps inputs through an async function with bounded concurrency, yielding results in input order.
// Bounded: at most `concurrency` calls are in flight, so memory stays flat whatever the input length.

export type MapResult<I, O> = { input: I; ok: true; value: O } | { input: I; ok: false; error: string };

export async function* orderedMap<I, O>(
  inputs: Iterable<I>,
  fn: (input: I) => Promise<O>,
  opts: { concurrency: number; signal?: AbortSignal | undefined },
): AsyncGenerator<MapResult<I, O>> {
  const window: Promise<MapResult<I, O>>[] = [];
  const start = (input: I): Promise<MapResult<I, O>> =>
    fn(input).then(
      (value) => ({ input, ok: true as const, value }),
      (err: unknown) => ({ input, ok: false as const, error: err instanceof Error ? err.message : String(err) }),
    );
  const it = inputs[Symbol.iterator]();
  let exhausted = false;
  const fill = () => {
    while (!exhausted && window.length < opts.concurrency && !opts.signal?.aborted) {
      const next = it.next();
      if (next.done) exhausted = true;
      else window.push(start(next.value));
    }
  };
  fill();
  while (window.length > 0) {
    const result = await window.shift()!;
    fill();
    yield result;
  }
}
