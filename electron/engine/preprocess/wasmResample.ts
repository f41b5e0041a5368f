// pillowResize's two passes in WASM SIMD (wasm/resample.wat), with the same int32 arithmetic as Pillow's C, so
// the bytes are identical to the JS passes, 3-5× faster. Input rows enter the module's memory in bands of about
// 1 MB and only the horizontal pass's output (width × needed rows) is held there, so its memory stays small
// whatever the photo's size. Each thread has its own instance.
import { RESAMPLE_WASM_BASE64 } from './wasm/resampleWasm.js';

/** The tables pillowResize computes: per output position, first input index, tap count, ksize weights. */
export interface ResampleTables {
  ksize: number;
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

/** What pillowResize asks for: input rows [rowFirst, rowEnd), output columns [x0, x0+width), rows [y0, y0+height). */
export interface ResampleJob {
  data: Uint8Array;
  srcWidth: number;
  horizontal: ResampleTables | null;
  vertical: ResampleTables | null;
  x0: number;
  width: number;
  y0: number;
  height: number;
  rowFirst: number;
  rowEnd: number;
}

// The engine's lib settings carry no WebAssembly types (no DOM lib): the little used here, typed by hand.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

type Pass = (src: number, a: number, b: number, c: number, d: number, ksize: number,
  first: number, count: number, weights: number, out: number) => void;
interface ResampleExports {
  memory: WasmMemory;
  /** (src, stride, rows, x0, width, …tables, out) */
  horizontal: Pass;
  /** (src, rowLength, rowFirst, y0, height, …tables, out) */
  vertical: Pass;
}

const BAND_BYTES = 1 << 20;
const PAGE = 65536;
/** Reads and writes run up to 16 bytes past a region's end. */
const SLACK = 16;

let instance: ResampleExports | null | undefined;

/** The module, or null where this runtime has no WASM SIMD (then the JS passes run). */
function resampleModule(): ResampleExports | null {
  if (instance !== undefined) return instance;
  try {
    if (!wasmApi) throw new Error('no WebAssembly');
    const bytes = Buffer.from(RESAMPLE_WASM_BASE64, 'base64');
    instance = new wasmApi.Instance(new wasmApi.Module(bytes)).exports as ResampleExports;
  } catch {
    instance = null;
  }
  return instance;
}

/** Whether this runtime runs the WASM passes (Node 16.4+ and Electron have WASM SIMD). */
export const wasmResampleAvailable = (): boolean => resampleModule() !== null;

/** A bump allocator over the module's memory, 16-byte aligned. */
class Layout {
  end = 0;
  take(bytes: number): number {
    const at = this.end;
    this.end = (at + bytes + SLACK + 15) & ~15;
    return at;
  }
}

interface PlacedTables {
  ksize: number;
  first: number;
  count: number;
  weights: number;
}

function placeTables(layout: Layout, t: ResampleTables): PlacedTables {
  return { ksize: t.ksize, first: layout.take(t.first.byteLength), count: layout.take(t.count.byteLength), weights: layout.take(t.weights.byteLength) };
}

function writeTables(words: Int32Array, t: ResampleTables, at: PlacedTables): void {
  words.set(t.first, at.first / 4);
  words.set(t.count, at.count / 4);
  words.set(t.weights, at.weights / 4);
}

/** The resized window as RGB bytes, or null when WASM SIMD is unavailable here. */
export function wasmResample(job: ResampleJob): Uint8Array | null {
  const wasm = resampleModule();
  if (!wasm) return null;
  const stride = job.srcWidth * 3;
  const rows = job.rowEnd - job.rowFirst;
  const midLength = job.width * 3;
  const bandRows = Math.max(1, Math.min(rows, Math.floor(BAND_BYTES / stride)));
  const layout = new Layout();
  const h = job.horizontal ? placeTables(layout, job.horizontal) : null;
  const v = job.vertical ? placeTables(layout, job.vertical) : null;
  const midAt = layout.take(rows * midLength);
  const bandAt = h ? layout.take(bandRows * stride) : 0;
  const outAt = v ? layout.take(job.height * midLength) : midAt;
  const missing = layout.end - wasm.memory.buffer.byteLength;
  if (missing > 0) wasm.memory.grow(Math.ceil(missing / PAGE));
  // Views are made after growing: growing detaches the old buffer.
  const heap = new Uint8Array(wasm.memory.buffer);
  const words = new Int32Array(wasm.memory.buffer);
  if (h) {
    writeTables(words, job.horizontal!, h);
    for (let y = 0; y < rows; y += bandRows) {
      const n = Math.min(bandRows, rows - y);
      const start = (job.rowFirst + y) * stride;
      heap.set(job.data.subarray(start, start + n * stride), bandAt);
      wasm.horizontal(bandAt, stride, n, job.x0, job.width, h.ksize, h.first, h.count, h.weights, midAt + y * midLength);
    }
  } else {
    for (let y = 0; y < rows; y++) {
      const start = (job.rowFirst + y) * stride + job.x0 * 3;
      heap.set(job.data.subarray(start, start + midLength), midAt + y * midLength);
    }
  }
  if (v) {
    writeTables(words, job.vertical!, v);
    wasm.vertical(midAt, midLength, job.rowFirst, job.y0, job.height, v.ksize, v.first, v.count, v.weights, outAt);
  }
  const outRows = v ? job.height : rows;
  return heap.slice(outAt, outAt + outRows * midLength);
}
