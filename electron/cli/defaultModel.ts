// Which model folder a command uses: --model, else LOOKALIKE_MODEL, else the model selected in the user's data
// folder (the model manager's choice), with a clear message when there is none.
import { defaultDataDir } from '../engine/models/paths.js';
import { NoModelError, resolveSelectedModel } from '../engine/models/selection.js';
import type { ModelDtype } from '../engine/types.js';
import { UsageError } from './command.js';

export interface ResolvedModel {
  modelDir: string;
  dtype: ModelDtype | undefined;
}

export async function resolveDefaultModelDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  dtype: ModelDtype | undefined,
): Promise<ResolvedModel> {
  if (flag) return { modelDir: flag, dtype };
  try {
    const selected = await resolveSelectedModel(defaultDataDir(env), env);
    return { modelDir: selected.dir, dtype: dtype ?? selected.dtype ?? undefined };
  } catch (err) {
    if (err instanceof NoModelError) throw new UsageError(`${err.message} (or set LOOKALIKE_MODEL).`);
    throw err;
  }
}
