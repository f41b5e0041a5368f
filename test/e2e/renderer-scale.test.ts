// The review list at 10,000 groups in Chromium: how long the first render, a keyboard jump to the end and a full
// scroll take, and that windowing keeps the DOM small. getGroups is fed synthetic groups (the fixture photos
// repeated) for this measurement only; every other call, thumbnails included, runs main's real handlers.
// Timings are printed, never asserted (targets live in bench/); what is asserted is behaviour.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicateGroup, GroupsResult, Tier } from '../../electron/shared/contract.js';
import { tiers as allTiers } from '../../electron/shared/values.js';
import { thumbUrl } from '../../electron/shared/methods.js';
import { GROUP_PAGE_SIZE } from '../../renderer/src/state/groupPages.svelte.js';
import { fixture } from '../helpers/photos.js';
import { startHarness, type Harness } from './harness.js';

const GROUPS = 10_000;
const photos = ['originals/skimage_chelsea.jpg', 'variants/skimage_chelsea__copy.jpg', 'originals/skimage_coffee.jpg', 'variants/skimage_coffee__webp.webp'].map(fixture);
const tiers = ['exact', 'near-duplicate', 'similar'] as const;

/** The synthetic library as the engine pages it: tiers, offset and limit honoured, every tier counted. */
function syntheticGroups({ threshold, tiers: only, offset = 0, limit }: { threshold: number; tiers?: Tier[] | undefined; offset?: number | undefined; limit?: number | undefined }): GroupsResult {
  const groups: DuplicateGroup[] = [];
  // A higher threshold keeps fewer groups, so regrouping visibly changes the list.
  const count = Math.round(GROUPS * (1 - Math.max(0, threshold - 90) / 20));
  for (let i = 0; i < count; i++) {
    const members = [0, 1, 2].map((m) => {
      const file = photos[(i + m) % photos.length]!;
      return { path: `${file}`, score: 100 - m, match: m === 0 ? ('identical bytes' as const) : ('near-duplicate' as const), width: 451, height: 300, bytes: 40_000 - m * 1000, mtimeMs: 1_700_000_000_000 + m, reference: false, excluded: false, reasons: m === 0 ? ['largest file (39.1 KB)'] : [`smaller file (${39 - m} KB < 39.1 KB)`], thumb: thumbUrl(file, 128) };
    });
    groups.push({ id: `g${i}`, tier: tiers[i % 3]!, keep: members[0]!.path, keepReasons: members[0]!.reasons, members, reclaimableBytes: 77_000 });
  }
  const shown = only ? groups.filter((g) => only.includes(g.tier)) : groups;
  const tierCounts = Object.fromEntries(allTiers.map((t) => [t, groups.filter((g) => g.tier === t).length])) as Record<Tier, number>;
  const page = shown.slice(offset, limit === undefined ? undefined : offset + limit);
  return { threshold, groups: page, totals: { groups: shown.length, files: shown.length * 3, reclaimableBytes: shown.length * 77_000 }, tierCounts };
}

describe.skipIf(!existsSync('/usr/bin/chromium'))('renderer at 10k groups', () => {
  let h: Harness;
  /** The limit of every getGroups call the renderer made. */
  const limits: (number | undefined)[] = [];
  beforeAll(async () => {
    // The synthetic list has all 10,000 groups at threshold 90 (and fewer above it, for the regroup step).
    h = await startHarness({
      settings: { threshold: 90 },
      overrides: {
        getGroups: async (req) => {
          limits.push(req.limit);
          return syntheticGroups(req);
        },
      },
      grant: photos,
    });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('renders, jumps and scrolls 10,000 groups with a small DOM', async () => {
    const { page } = h;
    const t0 = Date.now();
    await page.keyboard.press('Control+1');
    const list = page.getByRole('listbox', { name: 'Duplicate groups' });
    await list.waitFor();
    const firstRenderMs = Date.now() - t0;
    expect(await page.getByTestId('group-count').textContent()).toBe('10,000 groups');
    const domRows = await list.getByRole('option').count();
    expect(domRows).toBeLessThan(60);

    // Keyboard: End jumps to the last group and scrolls it into view.
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    const jump = await page.evaluate(async () => {
      const start = performance.now();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - start;
    });
    await expect.poll(() => page.locator('#group-row-9999').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#group-row-9999').isVisible()).toBe(true);

    // j latency: key press to the selection painted.
    await page.keyboard.press('Home');
    const jLatency = await page.evaluate(async () => {
      const samples: number[] = [];
      for (let i = 0; i < 30; i++) {
        const start = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        samples.push(performance.now() - start);
      }
      return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    });
    await expect.poll(() => page.locator('#group-row-30').getAttribute('aria-selected')).toBe('true');

    // Scroll the whole list in 200 steps, one per frame; record frame times.
    const scroll = await page.evaluate(async () => {
      const viewport = document.querySelector<HTMLElement>('[data-testid="virtual-list"]')!;
      const frames: number[] = [];
      const steps = 200;
      let last = performance.now();
      for (let i = 1; i <= steps; i++) {
        viewport.scrollTop = (viewport.scrollHeight - viewport.clientHeight) * (i / steps);
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      frames.sort((a, b) => a - b);
      return { median: frames[steps / 2]!, p95: frames[Math.floor(steps * 0.95)]!, max: frames.at(-1)!, rows: viewport.querySelectorAll('[role="option"]').length };
    });
    expect(scroll.rows).toBeLessThan(60);
    expect(await page.locator('#group-row-9999').count()).toBe(1);

    // Regroup: move the threshold; the list re-renders with the new groups.
    const slider = page.getByRole('slider', { name: 'Similarity threshold' });
    await slider.focus();
    const r0 = Date.now();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('group-count').textContent(), { timeout: 20_000 }).toBe('5,000 groups');
    const regroupMs = Date.now() - r0;
    const shown = await page.locator('.statusline').textContent();
    const regroupRequestMs = Number(/grouped in (\d+) ms/.exec(shown ?? '')?.[1]);
    const handlerMs = Math.round(h.calls.filter((c) => c.method === 'getGroups').at(-1)!.ms);
    // The renderer asked for pages, never the whole list.
    expect(limits.length).toBeGreaterThan(0);
    expect(limits.every((l) => l !== undefined && l <= GROUP_PAGE_SIZE)).toBe(true);
    await h.screenshot('review-10k');

    console.log(
      'renderer 10k-group timings (ms):',
      JSON.stringify({
        firstRenderMs,
        endJumpMs: Math.round(jump),
        jKeyMedianMs: Math.round(jLatency * 10) / 10,
        scrollFrameMedianMs: Math.round(scroll.median * 10) / 10,
        scrollFrameP95Ms: Math.round(scroll.p95 * 10) / 10,
        scrollFrameMaxMs: Math.round(scroll.max * 10) / 10,
        regroupKeyToListMs: regroupMs,
        regroupRequestMs,
        regroupHandlerMs: handlerMs,
        domRows,
      }),
    );
  });
});
