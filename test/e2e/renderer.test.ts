// The built renderer in Debian's Chromium, driving the real engine (worker thread, generated tiny model) through
// main's own handlers: scan a folder of real photos with progress, review groups with the keyboard, trash and
// undo (a temp XDG trash), move to a folder and undo, change the threshold, compare two photos with the heatmap,
// search and export.
// Screenshots of every view go to test-artifacts/screenshots/.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTrashed } from '../../electron/engine/resolve/freedesktopTrash.js';
import { fixture } from '../helpers/photos.js';
import { startHarness, type Harness } from './harness.js';

const hasChromium = existsSync('/usr/bin/chromium');

const LIBRARY_FILES = [
  'originals/skimage_chelsea.jpg',
  'variants/skimage_chelsea__copy.jpg', // byte-identical: an "exact" group whatever the model says
  'variants/skimage_chelsea__resize50.jpg',
  'variants/skimage_chelsea__flip_h.jpg',
  'originals/skimage_coffee.jpg',
  'variants/skimage_coffee__copy.jpg',
  'variants/skimage_coffee__webp.webp',
  'originals/skimage_astronaut.jpg',
  'originals/palapeli_honey_bee.jpg',
  'originals/skimage_motorcycle_left.jpg',
];

/**
 * Waits until every thumbnail on screen has loaded, so a screenshot shows the photos and not grey boxes. They are
 * made in the engine process (its format gate), which may be grouping at the same moment: up to ~1 s here.
 */
async function thumbnailsLoaded(page: Page): Promise<void> {
  await expect
    .poll(() => page.locator('main img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)), { timeout: 10_000 })
    .toBe(true);
}

/** Every control a person can operate has a name a screen reader can say. */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const nameOf = (el: HTMLElement): string => {
      const labelled = el.getAttribute('aria-labelledby');
      if (labelled) return labelled.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
      const aria = el.getAttribute('aria-label');
      if (aria) return aria.trim();
      if ('labels' in el) {
        const labels = (el as HTMLInputElement).labels;
        if (labels && labels.length > 0) return Array.from(labels).map((l) => l.textContent ?? '').join(' ').trim();
      }
      if (el.tagName === 'BUTTON') return (el.textContent ?? '').trim();
      return (el.getAttribute('title') ?? '').trim();
    };
    return Array.from(document.querySelectorAll<HTMLElement>('button, input, select, textarea, [role="option"], [role="listbox"]'))
      .filter((el) => nameOf(el) === '')
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

describe.skipIf(!hasChromium)('renderer end to end (Chromium, real engine)', () => {
  let h: Harness;
  let library: string;
  const file = (rel: string) => path.join(library, path.basename(rel));
  const timings: Record<string, number> = {};
  /**
   * Whether the engine host serves the library (scan, groups, resolve, search). Until it does, those scenarios
   * skip (reported as skipped, with this reason) instead of failing on a stub.
   */
  let libraryMissing: string | null = null;

  beforeAll(async () => {
    h = await startHarness();
    library = path.join(h.tmp, 'Photos');
    await mkdir(library);
    for (const rel of LIBRARY_FILES) await copyFile(fixture(rel), file(rel));
    await writeFile(path.join(library, 'broken.jpg'), 'this is not a JPEG');
    libraryMissing = await h.handlers.getGroups({ threshold: 90 }).then(
      () => null,
      (error: Error) => (/not available yet/.test(error.message) ? error.message : null),
    );
    if (libraryMissing) console.warn(`library scenarios skipped: ${libraryMissing}`);
  }, 180_000);

  afterAll(async () => {
    console.log('renderer e2e timings (ms):', JSON.stringify(timings));
    await h?.close();
  });

  it('adds a folder and scans it with progress; the broken file is listed with its reason', async (ctx) => {
    if (libraryMissing) ctx.skip();
    const { page } = h;
    await page.getByRole('button', { name: /Library/ }).click();
    h.dialogs.folder = library;
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Library folders' }).textContent()).toContain(library);
    await page.getByRole('button', { name: 'Scan now' }).click();
    await page.getByRole('region', { name: 'Scan progress' }).waitFor();
    const summary = page.getByTestId('scan-summary');
    await summary.waitFor({ timeout: 90_000 });
    // 11 new paths; broken.jpg fails; the two byte-identical copies reuse their originals' vectors, so 8 are embedded.
    expect((await summary.textContent())?.replace(/\s+/g, ' ')).toMatch(/Scanned 11 files: 11 new, 0 changed, 0 unchanged, 1 failed; 8 embedded in \d+\.\d s\./);
    timings['scanUiSeconds'] = Number(/in (\d+\.\d) s/.exec((await summary.textContent()) ?? '')?.[1]);
    expect(await page.getByRole('region', { name: 'Scan progress' }).getAttribute('data-status')).toBe('done');
    await expect.poll(() => page.locator('table.failed').textContent()).toContain('broken.jpg');
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot('library');
  });

  it('reviews groups with the keyboard: j/k, choose keeper, d trashes, Ctrl+Z restores', async (ctx) => {
    if (libraryMissing) ctx.skip();
    const { page } = h;
    await page.keyboard.press('Control+1');
    const list = page.getByRole('listbox', { name: 'Duplicate groups' });
    await list.waitFor();
    const rows = list.getByRole('option');
    expect(await rows.count()).toBeGreaterThan(0);
    await thumbnailsLoaded(page);
    await h.screenshot('review');
    expect(await unnamedControls(page)).toEqual([]);
    // At 100 only byte-identical and same-pixel copies group.
    await page.getByRole('slider', { name: 'Similarity threshold' }).focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('output[for="threshold"]').textContent()).toBe('100');
    await expect.poll(() => rows.evaluateAll((els) => els.filter((e) => (e.getAttribute('aria-label') ?? '').includes('exact')).length)).toBe(2);
    await thumbnailsLoaded(page);
    await h.screenshot('review-exact');

    // Find the first exact-copy group (coffee's or chelsea's: an original and its byte-identical copy).
    const exactIndex = await rows.evaluateAll((els) => els.findIndex((e) => (e.getAttribute('aria-label') ?? '').includes('exact')));
    expect(exactIndex).toBeGreaterThanOrEqual(0);
    await page.locator('body').click({ position: { x: 5, y: 790 } }); // focus out of any control
    for (let i = 0; i < exactIndex; i++) await page.keyboard.press('j');
    await expect.poll(() => rows.nth(exactIndex).getAttribute('aria-selected')).toBe('true');
    if (exactIndex > 0) {
      await page.keyboard.press('k');
      await expect.poll(() => rows.nth(exactIndex - 1).getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('ArrowDown');
    }
    const detail = page.getByRole('region', { name: 'Current group' });
    const paths = await detail.locator('.member .path').allTextContents();
    expect(paths).toHaveLength(2);
    // Choose the second member as keeper, then trash the other.
    await page.keyboard.press('2');
    await expect.poll(() => detail.locator('.member').nth(1).getAttribute('class')).toContain('keeper');
    await page.keyboard.press('d');
    const trashed = paths[0]!;
    await expect.poll(() => existsSync(trashed)).toBe(false);
    expect(existsSync(paths[1]!)).toBe(true);
    // In the (temp) freedesktop trash, with its original path recorded for undo.
    expect((await findTrashed(trashed, { env: { XDG_DATA_HOME: path.dirname(h.trashDir) } }))?.trashDir).toBe(h.trashDir);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Moved 1 file to the trash' }).count()).toBeGreaterThan(0);
    await thumbnailsLoaded(page);
    await h.screenshot('review-after-trash');

    await page.keyboard.press('Control+z');
    await expect.poll(() => existsSync(trashed)).toBe(true);
    await expect.poll(() => page.getByText('Restored 1 file from the trash').count()).toBe(1);
  });

  it('moves the others of a group to a chosen folder with m; Ctrl+Z moves them back', async (ctx) => {
    if (libraryMissing) ctx.skip();
    const { page } = h;
    // Still at 100, on the exact group the last test restored, with its second member chosen as keeper.
    const detail = page.getByRole('region', { name: 'Current group' });
    await expect.poll(() => detail.locator('.member').nth(1).getAttribute('class')).toContain('keeper');
    const [other, keeper] = await detail.locator('.member .path').allTextContents();
    // Each card says how it matches the suggested keeper; this is a byte-identical pair.
    expect(await detail.locator('.member .match dd').allTextContents()).toContain('identical bytes');
    expect(await page.getByRole('complementary', { name: 'Keyboard shortcuts' }).textContent()).toContain('M Move the others to a folder');
    const sorted = path.join(h.tmp, 'Sorted');
    await mkdir(sorted);
    h.dialogs.folder = sorted;
    await page.keyboard.press('m');
    const moved = path.join(sorted, path.basename(other!));
    await expect.poll(() => existsSync(moved)).toBe(true);
    expect(existsSync(other!)).toBe(false);
    expect(existsSync(keeper!)).toBe(true);
    await expect.poll(() => page.getByRole('status').filter({ hasText: `Moved 1 file to ${sorted}` }).count()).toBeGreaterThan(0);
    // The resolved group shows where its others went (go back to it: the cursor moved on).
    await page.getByRole('option', { name: /, Moved$/ }).click();
    await expect.poll(() => detail.getByRole('status').textContent()).toBe('Others moved to Sorted');
    await thumbnailsLoaded(page);
    await h.screenshot('review-after-move');

    await page.keyboard.press('Control+z');
    await expect.poll(() => existsSync(other!)).toBe(true);
    expect(existsSync(moved)).toBe(false);
    await expect.poll(() => page.getByText(`Moved 1 file back from ${sorted}`).count()).toBe(1);
    // The engine groups the file again where it was.
    const { groups } = await h.handlers.getGroups({ threshold: 100 });
    expect(groups.some((g) => g.members.some((m) => m.path === other))).toBe(true);
  });

  it('regroups live when the threshold changes', async (ctx) => {
    if (libraryMissing) ctx.skip();
    const { page } = h;
    const slider = page.getByRole('slider', { name: 'Similarity threshold' });
    const count = page.getByTestId('group-count');
    const before = await count.textContent();
    await slider.focus();
    const callsBefore = h.calls.filter((c) => c.method === 'getGroups').length;
    const atHundred = Number(before?.split(' ')[0]);
    // Four presses of PageDown (10 each) from 100: 60, where these photos fall together.
    for (let i = 0; i < 4; i++) await page.keyboard.press('PageDown');
    await expect.poll(() => page.locator('output[for="threshold"]').textContent()).toBe('60');
    await expect.poll(() => h.calls.filter((c) => c.method === 'getGroups').length).toBeGreaterThan(callsBefore);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Regrouping' }).count()).toBe(0);
    // Keys arrive faster than the debounce: one regroup for the whole gesture, not one per value.
    expect(h.calls.filter((c) => c.method === 'getGroups').length).toBe(callsBefore + 1);
    timings['regroupHandlerMs'] = Math.round(h.calls.filter((c) => c.method === 'getGroups').at(-1)!.ms);
    const shown = await page.locator('.statusline').textContent();
    timings['regroupUiMs'] = Number(/grouped in (\d+) ms/.exec(shown ?? '')?.[1]);
    // At 60 the edited copies (a resize, a WebP re-encode) join their originals' groups: no more groups than at
    // 100, and more files in them.
    await expect.poll(async () => Number((await count.textContent())?.split(' ')[0])).toBeLessThanOrEqual(atHundred);
    const [loose, strict] = await Promise.all([h.handlers.getGroups({ threshold: 60 }), h.handlers.getGroups({ threshold: 100 })]);
    expect(loose.totals.files).toBeGreaterThan(strict.totals.files);
    await thumbnailsLoaded(page);
    await h.screenshot('review-threshold');
  });

  it('compares two photos: score, cosine, tier, model, device and the patch heatmap', async () => {
    const { page } = h;
    await page.keyboard.press('Control+3');
    h.dialogs.files = [file('originals/skimage_chelsea.jpg'), file('variants/skimage_chelsea__copy.jpg')];
    await page.getByRole('button', { name: /First image/ }).click();
    const result = page.getByTestId('compare-result');
    await result.waitFor();
    expect(await page.getByTestId('score').textContent()).toBe('100.0');
    expect(await result.textContent()).toMatch(/cpu/);
    const heat = page.getByTestId('heatmap');
    expect(await heat.count()).toBe(2);
    // The canvas holds the 14×14 grid, scaled over the photo.
    expect(await heat.first().evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([14, 14]);

    h.dialogs.files = [file('originals/skimage_coffee.jpg')];
    await page.getByRole('button', { name: /Second image/ }).click();
    await expect.poll(async () => Number(await page.getByTestId('score').textContent())).toBeLessThan(100);
    await expect.poll(() => page.locator('.side img').first().evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
    await h.screenshot('compare');
    await page.getByLabel(/Show patch heatmap/).uncheck();
    expect(await heat.first().getAttribute('class')).toContain('hidden');
    expect(await unnamedControls(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByLabel(/Show patch heatmap/).check();
    await h.screenshot('compare-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('searches by example', async (ctx) => {
    if (libraryMissing) ctx.skip();
    const { page } = h;
    await page.keyboard.press('Control+4');
    h.dialogs.files = [file('originals/skimage_coffee.jpg')];
    await page.getByRole('button', { name: /Example image/ }).click();
    const hits = page.getByRole('list', { name: 'Most similar photos' }).getByRole('listitem');
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    expect(await hits.first().textContent()).toMatch(/skimage_coffee/);
    // Each hit shows its tier next to its score: the library's byte-identical copy of the example is exact.
    const copyHit = hits.filter({ hasText: 'skimage_coffee__copy.jpg' });
    expect((await copyHit.locator('.verdict').textContent())?.replace(/\s+/g, ' ').trim()).toBe('Exact 100.0');
    await thumbnailsLoaded(page);
    await h.screenshot('search');
  });

  it('exports the features of a folder with a progress bar', async () => {
    const { page } = h;
    await page.keyboard.press('Control+5');
    h.dialogs.folder = library;
    await page.getByLabel('A folder…').check();
    await expect.poll(() => page.locator('[aria-labelledby="source-label"]').textContent()).toContain(library);
    // Where to write comes from the save dialog (main writes only to a file its dialog returned).
    h.dialogs.save = path.join(h.tmp, 'features.npy');
    await page.getByRole('button', { name: 'Export features…' }).click();
    await page.getByRole('region', { name: 'Feature export progress' }).waitFor();
    // 10 photos embed; broken.jpg fails and is counted, not fatal.
    await expect.poll(() => page.getByText(/Wrote 10 rows .*; 1 failed/).count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByRole('region', { name: 'Feature export progress' }).getAttribute('data-status')).toBe('done');
    expect(existsSync(path.join(h.tmp, 'features.npy'))).toBe(true);
    expect(existsSync(path.join(h.tmp, 'features.npy.manifest.json'))).toBe(true);
    await h.screenshot('export');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('shows the model, device and settings', async () => {
    const { page } = h;
    await page.keyboard.press('Control+6');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await expect.poll(() => page.getByRole('combobox', { name: 'Device' }).inputValue()).toBe('cpu');
    expect(await page.locator('main').textContent()).toMatch(/Engine: ready on cpu/);
    await h.screenshot('settings');
    expect(await unnamedControls(page)).toEqual([]);
    // The keep-best rule order: moving "Largest file" first is saved and becomes the engine's keep policy.
    const rules = page.getByRole('list', { name: /Keep-best rules/ });
    await rules.scrollIntoViewIfNeeded();
    await page.getByRole('button', { name: 'Move “Largest file” up' }).click();
    await expect.poll(async () => (await h.handlers.getSettings(undefined)).keepRules[0]).toBe('fileSize');
    await expect.poll(() => rules.getByRole('listitem').first().textContent()).toContain('Largest file');
    await h.screenshot('settings-keep-rules');
    // The first scan calibrated the descriptor model by itself; the panel says what it measured, and re-calibrates.
    const calibration = page.getByTestId('calibration');
    await calibration.scrollIntoViewIfNeeded();
    const summary = page.getByTestId('calibration-summary');
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/Calibrated on \d+ of your photos: edits score ≥ [\d.]+, different photos ≤ [\d.]+, so the\s+threshold is 93/);
    expect(await calibration.getByRole('img', { name: /Cosines of edits and of different photos/ }).count()).toBe(1);
    await calibration.getByRole('button', { name: 'Re-calibrate' }).click();
    await expect.poll(() => calibration.getByRole('button', { name: 'Re-calibrate' }).isEnabled(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => h.calls.filter((c) => c.method === 'startCalibration').length).toBe(1);
    await h.screenshot('settings-calibration');
    const { groups } = await h.handlers.getGroups({ threshold: 60 });
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.members.find((m) => m.path === g.keep)!.bytes).toBe(Math.max(...g.members.map((m) => m.bytes)));
  });
});
