// The CLI's trash: the `trash` package (freedesktop trash on Linux, the system Trash on macOS and Windows).
// Imported lazily: its XDG paths are read at import time, so the environment must be final by first use.
import type { TrashFn } from './actions.js';

export const trashWithPackage: TrashFn = async (file) => {
  const { default: trash } = await import('trash');
  // glob: false, or a name like "photo (1).jpg" or "[raw].jpg" would be read as a pattern.
  await trash(file, { glob: false });
};
