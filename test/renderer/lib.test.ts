// The renderer's pure helpers: windowing maths, heatmap colours, keyboard map, keeper reasons, formatting.
import { describe, expect, it } from 'vitest';
import type { DuplicateGroup, GroupMember } from '../../electron/shared/contract.js';
import * as values from '../../electron/shared/values.js';
import { messageOf, parseError } from '../../renderer/src/lib/errors.js';
import { baseName, formatBytes, formatDuration, formatRate, plural, sameFolder } from '../../renderer/src/lib/format.js';
import { heatColor, heatPixels, heatRange } from '../../renderer/src/lib/heatmap.js';
import { formatOf, keepRuleLabel, keeperReasons } from '../../renderer/src/lib/keeperReasons.js';
import { deviceLabels, featureFormatLabels, oneOf, themeLabels } from '../../renderer/src/lib/optionLabels.js';
import { moveItem, removeAt } from '../../renderer/src/lib/orderedList.js';
import { countTiers } from '../../renderer/src/lib/tiers.js';
import { reviewCommandFor } from '../../renderer/src/lib/reviewKeys.js';
import { scrollToReveal, visibleRange } from '../../renderer/src/lib/virtualWindow.js';

describe('visibleRange', () => {
  it.each([
    // scrollTop, viewport, count → start, end (rowHeight 60, overscan 4)
    [0, 600, 10_000, 0, 15],
    [60 * 5000, 600, 10_000, 4996, 5015],
    [60 * 10_000, 600, 10_000, 9986, 10_000], // past the end clamps to the last screen
    [0, 600, 3, 0, 3],
    [0, 600, 0, 0, 0],
  ])('scrollTop %i, viewport %i, %i rows → [%i, %i)', (scrollTop, viewportHeight, count, start, end) => {
    const r = visibleRange({ scrollTop, viewportHeight, rowHeight: 60, count, overscan: 4 });
    expect([r.start, r.end]).toEqual([start, end]);
    expect(r.offset).toBe(start * 60);
    expect(r.totalHeight).toBe(count * 60);
  });

  it('reveals a row above or below the viewport and leaves a visible one alone', () => {
    expect(scrollToReveal(0, 600, 600, 60)).toBe(0);
    expect(scrollToReveal(20, 0, 600, 60)).toBe(21 * 60 - 600);
    expect(scrollToReveal(5, 0, 600, 60)).toBeNull();
  });
});

describe('heatmap', () => {
  it('maps the ends of the ramp to viridis purple and yellow, clamping outside', () => {
    expect(heatColor(0)).toEqual([68, 1, 84]);
    expect(heatColor(1)).toEqual([253, 231, 37]);
    expect(heatColor(-3)).toEqual(heatColor(0));
    expect(heatColor(Number.NaN)).toEqual(heatColor(0));
  });

  it('scales both grids of a pair to one range and paints RGBA per patch', () => {
    const range = heatRange([0.5, 0.9], [0.7, 1]);
    expect(range).toEqual({ min: 0.5, max: 1 });
    const px = heatPixels([0.5, 1, 0.75, 0.75], 2, 2, range, 200);
    expect(Array.from(px.slice(0, 4))).toEqual([68, 1, 84, 200]);
    expect(Array.from(px.slice(4, 8))).toEqual([253, 231, 37, 200]);
    expect(() => heatPixels([1, 2, 3], 2, 2, range)).toThrow(/3 values, expected 2×2/);
  });

  it('paints a flat grid (identical images) at the top of the scale', () => {
    const flat = new Array(196).fill(1);
    expect(Array.from(heatPixels(flat, 14, 14, heatRange(flat)).slice(0, 3))).toEqual([253, 231, 37]);
  });
});

describe('reviewCommandFor', () => {
  it.each([
    [{ key: 'j' }, { kind: 'next' }],
    [{ key: 'ArrowDown' }, { kind: 'next' }],
    [{ key: 'k' }, { kind: 'prev' }],
    [{ key: 'ArrowUp' }, { kind: 'prev' }],
    [{ key: '1' }, { kind: 'keep', index: 0 }],
    [{ key: '9' }, { kind: 'keep', index: 8 }],
    [{ key: 'd' }, { kind: 'trashOthers' }],
    [{ key: 'Delete' }, { kind: 'trashOthers' }],
    [{ key: 'n' }, { kind: 'notDuplicate' }],
    [{ key: 'm' }, { kind: 'moveOthers' }],
    [{ key: 'm', metaKey: true }, null],
    [{ key: 'z', ctrlKey: true }, { kind: 'undo' }],
    [{ key: 'z', metaKey: true }, { kind: 'undo' }],
    [{ key: 'z', ctrlKey: true, shiftKey: true }, null],
    [{ key: '0' }, null],
    [{ key: 'd', ctrlKey: true }, null],
    [{ key: '1', altKey: true }, null],
  ])('%o → %o', (key, command) => {
    expect(reviewCommandFor(key)).toEqual(command);
  });
});

const member = (path: string, over: Partial<GroupMember> = {}): GroupMember => ({
  path,
  score: 100,
  match: 'near-duplicate',
  width: 100,
  height: 100,
  bytes: 1000,
  mtimeMs: 1000,
  reference: false,
  excluded: false,
  reasons: [],
  thumb: '',
  ...over,
});

describe('keeperReasons', () => {
  it("gives the engine's reasons for its keeper, and says when the keeper is the user's choice", () => {
    const g: DuplicateGroup = {
      id: 'g',
      tier: 'near-duplicate',
      keep: '/a.jpg',
      keepReasons: ['highest resolution (200×200)'],
      members: [member('/a.jpg', { width: 200, height: 200, reasons: ['highest resolution (200×200)'] }), member('/b.jpg'), member('/c.png')],
      reclaimableBytes: 2000,
    };
    expect(keeperReasons(g)).toEqual(['highest resolution (200×200)']);
    expect(keeperReasons(g, '/b.jpg')).toEqual(['your choice']);
    expect(keeperReasons({ ...g, keepReasons: [] })).toEqual(['the copies tie on every rule']);
  });
});

describe('format', () => {
  it('formats sizes, durations, rates, names and formats', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatDuration(null)).toBe('estimating…');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatRate(0)).toBe('— files/s');
    expect(formatRate(3.21, 'images')).toBe('3.2 images/s');
    expect(baseName('C:\\Photos\\a.jpg')).toBe('a.jpg');
    expect(baseName('/x/y/')).toBe('y');
    expect(formatOf('/a/B.JPEG')).toBe('JPEG');
    expect(formatOf('/a/b.heic')).toBe('HEIC');
    expect(formatOf('/a/noext')).toBe('—');
  });
});

describe('one definition of each value list', () => {
  it("uses values.ts' formatBytes itself, not a copy", () => {
    expect(formatBytes).toBe(values.formatBytes);
  });

  it('names every photo extension the crawler considers, whatever its case', () => {
    expect(formatOf('/a/B.JPE')).toBe('JPEG');
    const raws = ['DNG', 'CR2', 'CR3', 'NEF', 'ARW', 'RAF', 'ORF', 'RW2'].map((f) => `${f} (RAW)`);
    expect(values.photoExtensions.filter((ext) => ext !== '.mpo').map((ext) => formatOf(`/x/y${ext}`))).toEqual(
      ['JPEG', 'JPEG', 'JPEG', 'PNG', 'WebP', 'AVIF', 'TIFF', 'TIFF', 'GIF', 'BMP', 'HEIC', 'HEIF', ...raws],
    );
    expect(formatOf('/a/b.raw')).toBe('RAW');
  });

  it('labels every device, theme and feature format of the lists, and narrows a menu value to them', () => {
    expect(Object.keys(deviceLabels)).toEqual([...values.deviceChoices]);
    expect(Object.keys(themeLabels)).toEqual([...values.themes]);
    expect(Object.keys(featureFormatLabels)).toEqual([...values.featureFormats]);
    expect(oneOf(values.themes, 'dark')).toBe('dark');
    expect(oneOf(values.themes, 'sepia')).toBeNull();
  });

  it('counts groups per tier with every tier present', () => {
    expect(countTiers([{ tier: 'exact' }, { tier: 'similar' }, { tier: 'exact' }])).toEqual({ exact: 2, 'same-pixels': 0, 'near-identical': 0, 'near-duplicate': 0, similar: 1 });
    expect(Object.keys(countTiers([]))).toEqual([...values.tiers]);
  });
});

describe('errors', () => {
  it("reads the contract's code in front of the message, and only a known one", () => {
    expect(parseError(new Error('[no-model] No model is installed'))).toEqual({ code: 'no-model', message: 'No model is installed' });
    expect(parseError(new Error('[made-up] x'))).toEqual({ code: null, message: '[made-up] x' });
    expect(parseError('plain')).toEqual({ code: null, message: 'plain' });
    for (const code of values.errorCodes) expect(parseError(new Error(`[${code}] m`)).code).toBe(code);
  });

  it('says an internal error is a bug to report; other codes read as their message', () => {
    expect(messageOf(new Error('[internal] cannot read x of undefined'))).toBe(
      'Something went wrong inside Lookalike — please report it: cannot read x of undefined',
    );
    expect(messageOf(new Error('[not-found] no job j1'))).toBe('no job j1');
  });
});

describe('ordered lists and keep-rule labels', () => {
  it('moves an item within bounds and removes one by index, without touching the input', () => {
    const list = ['a', 'b', 'c'] as const;
    expect(moveItem(list, 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(list, 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(list, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(list, 2, 1)).toEqual(['a', 'b', 'c']);
    expect(removeAt(list, 1)).toEqual(['a', 'c']);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  it("says the folder rule goes by the preferred folders, and how many there are", () => {
    expect(keepRuleLabel('folder', 2)).toBe('Preferred folders (2)');
    expect(keepRuleLabel('folder', 0)).toMatch(/^Preferred folders \(none set yet/);
    expect(keepRuleLabel('fileSize', 2)).toBe('Largest file');
  });

  it('compares folders up to a trailing separator and counts in words', () => {
    expect(sameFolder('/a/b/', '/a/b')).toBe(true);
    expect(sameFolder('/a/b', '/a/bc')).toBe(false);
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(1234, 'group')).toBe('1,234 groups');
  });
});
