// A test model that sees: the Hugging Face ViTModel interface (pixel_values in; last_hidden_state and
// pooler_output out) around a fixed, hand-made image descriptor instead of random weights, so that grouping,
// review and calibration tests get believable answers (an edit of a photo stays close, a different photo does not).
//
// What it computes, all with ordinary ONNX ops (Conv, AveragePool, ReduceMean, MatMul):
//   per 16×16 patch: the mean colour, and the mean |gradient| of the luma in four orientations (Sobel, then a
//   1×1 conv that mixes gx and gy into 0°, 90°, 45° and 135°);
//   pooled: those seven maps averaged over a 4×4 grid of overlapping cells (36 % of the side each, so a crop to
//   85–90 % moves every cell by well under half its width). Colour cells are centred on the photo's own mean
//   colour and gradient cells are divided by the photo's mean gradient, so brightness, contrast and the blur of
//   a downscaled copy barely move the descriptor, while what is where in the picture decides it. Each part is
//   L2-normalised and weighted, then rotated into the hidden size by a fixed orthonormal matrix (cosines are
//   unchanged; the vector just looks like a dense embedding) and normalised again;
//   tokens: the CLS position holds the pooled vector, patch tokens the seven patch statistics (normalised the
//   same way) through a fixed orthonormal 7 → hidden matrix, so the patch heatmap compares real local content.
import type { onnx as Onnx } from 'onnx-proto';
import { SeededRandom } from './prng.js';
import { attribute, BATCH_DIM, GraphBuilder, tensorValueInfo, type VitGraph } from './vit-graph.js';

export interface DescriptorArchitecture {
  imageSize: number;
  patchSize: number;
  hiddenSize: number;
}

/**
 * The pooled grids, in patches: 4×4 cells of 5 patches (stride 3) for layout that survives crops, and 6×6 cells
 * of 3 (stride 2) for detail that tells near scenes apart (a stereo pair, two shots of one street).
 */
const GRIDS = [
  { kernel: 6, stride: 2, weight: 1 },
  { kernel: 4, stride: 2, weight: 0.7 },
] as const;
/**
 * Patches left out at each edge before pooling: letterbox bars, padding and a watermark in the corner sit there,
 * and a crop changes the edges most.
 */
const BORDER = 1;
/** Luma of the normalised pixels (ITU-R 601, as Pillow's "L"). */
const LUMA = [0.299, 0.587, 0.114];
/** How much the gradient layout counts against the colour layout (both unit vectors before weighting). */
const GRADIENT_WEIGHT = 1;
const COLOUR_WEIGHT = 1;
const EPS = 1e-6;
const ORIENTATIONS = 4;
const COLOURS = 3;

/** Rows orthonormal: x·W keeps every dot product of x, so cosines between descriptors survive the rotation. */
export function orthonormalRows(rows: number, cols: number, seed: number): number[] {
  if (rows > cols) throw new Error(`cannot fit ${rows} orthonormal rows in ${cols} dimensions`);
  const random = new SeededRandom(seed);
  const basis: Float64Array[] = [];
  while (basis.length < rows) {
    const v = Float64Array.from({ length: cols }, () => random.nextNormal());
    for (const b of basis) {
      let dot = 0;
      for (let i = 0; i < cols; i++) dot += v[i]! * b[i]!;
      for (let i = 0; i < cols; i++) v[i] = v[i]! - dot * b[i]!;
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue;
    basis.push(v.map((x) => x / norm));
  }
  return basis.flatMap((b) => [...b]);
}

function gridCells(arch: DescriptorArchitecture, grid: (typeof GRIDS)[number]): number {
  const side = arch.imageSize / arch.patchSize - 2 * BORDER;
  return Math.floor((side - grid.kernel) / grid.stride) + 1;
}

/** Pooled feature count: seven statistics on the grid. */
export function descriptorFeatures(arch: DescriptorArchitecture): number {
  return GRIDS.reduce((n, grid) => n + (COLOURS + ORIENTATIONS) * gridCells(arch, grid) ** 2, 0);
}

/** Per-patch maps [B, 3, P, P] colour and [B, 4, P, P] orientation energy. */
function patchMaps(g: GraphBuilder, pixels: string, arch: DescriptorArchitecture): { colour: string; edges: string } {
  const patch = [attribute('kernel_shape', [arch.patchSize, arch.patchSize]), attribute('strides', [arch.patchSize, arch.patchSize])];
  const colour = g.op('AveragePool', [pixels], patch);
  const luma = g.op('Conv', [pixels, g.constant('float', LUMA, [1, 3, 1, 1])]);
  // Sobel, scaled so a unit step between neighbours reads 1.
  const sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1].map((v) => v / 4);
  const grad = g.op('Conv', [luma, g.constant('float', sobel, [2, 1, 3, 3])], [attribute('pads', [1, 1, 1, 1])]);
  const h = Math.SQRT1_2;
  const mix = g.constant('float', [1, 0, 0, 1, h, h, h, -h], [ORIENTATIONS, 2, 1, 1]);
  const edges = g.op('AveragePool', [g.op('Abs', [g.op('Conv', [grad, mix])])], patch);
  return { colour, edges };
}

const axes = (values: number[]): Onnx.IAttributeProto => attribute('axes', values);

/** Colour centred on the photo's mean colour; edges relative to the photo's mean edge energy. */
function normaliseMaps(g: GraphBuilder, maps: { colour: string; edges: string }): { colour: string; edges: string } {
  const meanColour = g.op('ReduceMean', [maps.colour], [axes([2, 3]), attribute('keepdims', 1)]);
  const colour = g.op('Sub', [maps.colour, meanColour]);
  const meanEdge = g.op('ReduceMean', [maps.edges], [axes([1, 2, 3]), attribute('keepdims', 1)]);
  const relative = g.op('Div', [maps.edges, g.op('Add', [meanEdge, g.constant('float', [EPS], [])])]);
  const edges = g.op('Sub', [relative, g.constant('float', [1], [])]);
  return { colour, edges };
}

/** [B, C, H, W] → [B, C·H·W] scaled to unit length, times a weight. */
function unitFlat(g: GraphBuilder, x: string, weight: number): string {
  const flat = g.op('Flatten', [x], [attribute('axis', 1)]);
  const norm = g.op('ReduceL2', [flat], [axes([1]), attribute('keepdims', 1)]);
  const unit = g.op('Div', [flat, g.op('Add', [norm, g.constant('float', [EPS], [])])]);
  return g.op('Mul', [unit, g.constant('float', [weight], [])]);
}

function l2Normalise(g: GraphBuilder, x: string, output?: string): string {
  const norm = g.op('ReduceL2', [x], [axes([-1]), attribute('keepdims', 1)]);
  return g.op('Div', [x, g.op('Add', [norm, g.constant('float', [EPS], [])])], [], output);
}

function pooledDescriptor(g: GraphBuilder, maps: { colour: string; edges: string }, arch: DescriptorArchitecture, seed: number): string {
  const side = arch.imageSize / arch.patchSize;
  const inner = (x: string) =>
    g.op('Slice', [x, g.constant('int64', [BORDER, BORDER], [2]), g.constant('int64', [side - BORDER, side - BORDER], [2]), g.constant('int64', [2, 3], [2])]);
  const colour = inner(maps.colour);
  const edges = inner(maps.edges);
  const parts = GRIDS.flatMap((grid) => {
    const pool = [attribute('kernel_shape', [grid.kernel, grid.kernel]), attribute('strides', [grid.stride, grid.stride])];
    const cells = normaliseMaps(g, { colour: g.op('AveragePool', [colour], pool), edges: g.op('AveragePool', [edges], pool) });
    return [unitFlat(g, cells.colour, COLOUR_WEIGHT * grid.weight), unitFlat(g, cells.edges, GRADIENT_WEIGHT * grid.weight)];
  });
  const features = g.op('Concat', parts, [attribute('axis', 1)]);
  const n = descriptorFeatures(arch);
  const rotation = g.weight('descriptor.pooled_rotation', [n, arch.hiddenSize], { kind: 'float', values: orthonormalRows(n, arch.hiddenSize, seed) });
  return l2Normalise(g, g.op('MatMul', [features, rotation]), 'pooler_output');
}

function patchTokens(g: GraphBuilder, maps: { colour: string; edges: string }, arch: DescriptorArchitecture, seed: number): string {
  const normed = normaliseMaps(g, maps);
  const stats = COLOURS + ORIENTATIONS;
  const patches = (arch.imageSize / arch.patchSize) ** 2;
  const joined = g.op('Concat', [normed.colour, normed.edges], [attribute('axis', 1)]);
  const flat = g.op('Reshape', [joined, g.constant('int64', [0, stats, patches], [3])]);
  const perPatch = g.op('Transpose', [flat], [attribute('perm', [0, 2, 1])]);
  const rotation = g.weight('descriptor.token_rotation', [stats, arch.hiddenSize], { kind: 'float', values: orthonormalRows(stats, arch.hiddenSize, seed + 1) });
  return g.op('MatMul', [perPatch, rotation]);
}

export function buildDescriptorGraph(arch: DescriptorArchitecture, seed: number): VitGraph {
  if (arch.imageSize % arch.patchSize !== 0) throw new Error('imageSize must be a multiple of patchSize');
  if (descriptorFeatures(arch) > arch.hiddenSize) throw new Error(`hiddenSize must be at least ${descriptorFeatures(arch)}`);
  const g = new GraphBuilder();
  const maps = patchMaps(g, 'pixel_values', arch);
  const pooled = pooledDescriptor(g, maps, arch, seed);
  const cls = g.op('Unsqueeze', [pooled, g.constant('int64', [1], [1])]);
  g.op('Concat', [cls, patchTokens(g, maps, arch, seed)], [attribute('axis', 1)], 'last_hidden_state');
  const tokens = (arch.imageSize / arch.patchSize) ** 2 + 1;
  return {
    initializers: g.initializers,
    graph: {
      name: 'descriptor',
      node: g.nodes,
      input: [tensorValueInfo('pixel_values', [BATCH_DIM, 3, arch.imageSize, arch.imageSize])],
      output: [
        tensorValueInfo('last_hidden_state', [BATCH_DIM, tokens, arch.hiddenSize]),
        tensorValueInfo('pooler_output', [BATCH_DIM, arch.hiddenSize]),
      ],
    },
  };
}
