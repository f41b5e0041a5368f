// Export: features (a long job with progress) and duplicate results (a quick file write).
import type { ExportResultsSummary } from '../../../electron/shared/contract.js';
import type { FeatureDtype, FeatureFormat, ResultFormat } from '../../../electron/shared/values.js';
import type { Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';
import { isTextFeatureFormat } from '../lib/optionLabels.js';
import { JobState } from './job.svelte.js';

type ExportClient = Pick<Client, 'exportFeatures' | 'exportResults' | 'cancelJob' | 'pickFolder'>;

/** Joins a chosen folder and a file name with the folder's own separator. */
export function joinPath(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

export class ExportState {
  folder = $state<string | null>(null);
  /** Files and folders to embed; null = every file in the catalog. */
  inputs = $state.raw<string[] | null>(null);
  featureName = $state('features.npy');
  format = $state<FeatureFormat>('npy');
  dtype = $state<FeatureDtype>('float32');
  pooled = $state(true);
  resultsName = $state('duplicates.csv');
  resultsFormat = $state<ResultFormat>('csv');
  resultsSummary = $state.raw<ExportResultsSummary | null>(null);
  error = $state<string | null>(null);
  readonly job = new JobState('exportFeatures');
  readonly #client: ExportClient;

  constructor(client: ExportClient) {
    this.#client = client;
  }

  /** Keeps the file name's extension in step with the chosen format. */
  setFormat(format: FeatureFormat): void {
    this.format = format;
    this.featureName = this.featureName.replace(/(\.[a-z0-9]+)?$/i, `.${format}`);
    if (isTextFeatureFormat(format)) this.pooled = true; // text formats hold pooled rows only
  }

  /** Asks where to write the exports. */
  async chooseFolder(): Promise<void> {
    const path = await this.#pickFolder('Export to folder');
    if (path) this.folder = path;
  }

  /** Asks for the folder whose photos to embed (instead of the whole catalog). */
  async chooseInputs(): Promise<void> {
    const path = await this.#pickFolder('Export the features of this folder');
    if (path) this.inputs = [path];
  }

  async #pickFolder(title: string): Promise<string | null> {
    this.error = null;
    try {
      return (await this.#client.pickFolder({ title })).path;
    } catch (err) {
      this.error = messageOf(err);
      return null;
    }
  }

  setResultsFormat(format: ResultFormat): void {
    this.resultsFormat = format;
    this.resultsName = this.resultsName.replace(/(\.[a-z0-9]+)?$/i, `.${format}`);
  }

  async exportFeatures(): Promise<void> {
    if (this.folder === null || this.job.active) return;
    this.job.starting();
    try {
      const out = joinPath(this.folder, this.featureName);
      const { jobId } = await this.#client.exportFeatures({
        out,
        format: this.format,
        dtype: this.dtype,
        pooled: this.pooled,
        ...(this.inputs ? { inputs: this.inputs } : {}),
      });
      this.job.started(jobId);
    } catch (err) {
      this.job.failedToStart(messageOf(err));
    }
  }

  async cancel(): Promise<void> {
    if (this.job.id !== null && this.job.active) await this.#client.cancelJob({ jobId: this.job.id });
  }

  async exportResults(threshold: number): Promise<void> {
    if (this.folder === null) return;
    this.error = null;
    this.resultsSummary = null;
    try {
      const out = joinPath(this.folder, this.resultsName);
      this.resultsSummary = await this.#client.exportResults({ format: this.resultsFormat, out, threshold });
    } catch (err) {
      this.error = messageOf(err);
    }
  }
}
