// SettingsState over a fake bridge that keeps settings as main does (setSettings merges and answers the result):
// the preferred-folder list editor, and errors from the folder dialog.
import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../electron/shared/contract.js';
import { SettingsState } from '../../renderer/src/state/settings.svelte.js';
import SettingsView from '../../renderer/src/views/SettingsView.svelte';
import { apiError, fakeClient, settingsWith } from './fakeClient.js';

function setup(initial: Partial<Settings>, picks: (string | null | Error)[] = []) {
  let stored = settingsWith(initial);
  const fake = fakeClient({
    getSettings: async () => stored,
    getStatus: async () => {
      throw apiError('unavailable', 'the engine is starting');
    },
    listModels: async () => [],
    setSettings: async (patch) => (stored = { ...stored, ...patch }),
    pickFolder: async () => {
      const next = picks.shift();
      if (next instanceof Error) throw next;
      return { path: next ?? null };
    },
  });
  const settings = new SettingsState(fake.client);
  settings.settings = stored;
  return { settings, fake, stored: () => stored };
}

describe('SettingsState preferred folders', () => {
  it('adds picked folders in order, moves them and removes them, saving each change', async () => {
    const { settings, stored, fake } = setup({}, ['/photos/best', '/photos/phone', '/backup']);
    expect(await settings.addPreferFolder()).toBe(true);
    await settings.addPreferFolder();
    await settings.addPreferFolder();
    expect(stored().preferFolders).toEqual(['/photos/best', '/photos/phone', '/backup']);
    expect(settings.preferFolders).toEqual(stored().preferFolders);

    await settings.movePreferFolder(2, -1);
    expect(stored().preferFolders).toEqual(['/photos/best', '/backup', '/photos/phone']);
    await settings.movePreferFolder(0, -1); // already first: unchanged
    expect(stored().preferFolders).toEqual(['/photos/best', '/backup', '/photos/phone']);
    await settings.removePreferFolder(0);
    expect(stored().preferFolders).toEqual(['/backup', '/photos/phone']);
    // Every change went through setSettings with the whole ordered list.
    expect(fake.requests('setSettings').at(-1)).toEqual({ preferFolders: ['/backup', '/photos/phone'] });
    expect(settings.saving).toBe(false);
  });

  it('changes nothing when the dialog is cancelled, and refuses a folder already listed', async () => {
    const { settings, fake } = setup({ preferFolders: ['/photos/best'] }, [null, '/photos/best']);
    expect(await settings.addPreferFolder()).toBe(false);
    expect(settings.error).toBeNull();
    expect(await settings.addPreferFolder()).toBe(false);
    expect(settings.error).toBe('/photos/best is already a preferred folder');
    expect(fake.requests('setSettings')).toEqual([]);
  });

  it('shows a refused save and a failed dialog, and says an internal error is a bug', async () => {
    const { settings, fake } = setup({}, [apiError('internal', 'dialog crashed')]);
    expect(await settings.addPreferFolder()).toBe(false);
    expect(settings.error).toBe('Something went wrong inside Lookalike — please report it: dialog crashed');
    (fake.client as { setSettings: unknown }).setSettings = async () => {
      throw apiError('invalid-request', 'preferFolders: too many folders');
    };
    expect(await settings.update({ preferFolders: ['/a'] })).toBe(false);
    expect(settings.error).toBe('preferFolders: too many folders');
  });

  it('keeps the last error of a refresh in words', async () => {
    const { settings } = setup({});
    await settings.refresh();
    expect(settings.error).toBe('the engine is starting');
  });
});

describe('SettingsView preferred folders', () => {
  it('adds, reorders and removes folders through the state, relabels the folder rule, and asks to regroup', async () => {
    const { settings, stored } = setup({}, ['/photos/best', '/backup']);
    let regroups = 0;
    const target = document.body.appendChild(document.createElement('div'));
    const view = mount(SettingsView, { target, props: { settings, onKeepPreferencesChanged: () => void regroups++ } });
    const button = (name: string) => {
      flushSync();
      const b = Array.from(target.querySelectorAll('button')).find((x) => (x.getAttribute('aria-label') ?? x.textContent?.trim()) === name);
      if (!b) throw new Error(`no button "${name}"`);
      return b;
    };
    const paths = () => Array.from(target.querySelectorAll('[role="group"] li .path')).map((p) => p.textContent);
    try {
      flushSync();
      expect(target.textContent).toContain('Preferred folders (none set yet: add them below)');
      // Each change is saved, then the review is asked to regroup (and the controls are usable again).
      const act = async (name: string) => {
        const before = regroups;
        button(name).click();
        await vi.waitFor(() => expect(regroups).toBe(before + 1));
      };
      await act('Add folder…');
      await act('Add folder…');
      flushSync();
      expect(paths()).toEqual(['/photos/best', '/backup']);
      expect(target.textContent).toContain('Preferred folders (2)');

      await act('Move “/backup” up');
      expect(stored().preferFolders).toEqual(['/backup', '/photos/best']);
      await act('Remove “/photos/best”');
      expect(stored().preferFolders).toEqual(['/backup']);
      flushSync();
      expect(paths()).toEqual(['/backup']);
      expect(target.textContent).toContain('Preferred folders (1)');
    } finally {
      unmount(view);
      target.remove();
    }
  });
});
