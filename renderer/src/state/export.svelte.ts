// Export: features (a long job with progress) and duplicate results (a quick file write).
import type { ExportResultsSummary } from '../../../electron/shared/contract.js';
import type { FeatureDtype, FeatureFormat, ResultFormat } from '../../../electron/shared/values.js';
import type { Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';
import { isTextFeatureFormat } from '../lib/optionLabels.js';
import { JobState } from './job.svelte.js';

type ExportClient = Pick<Client, 'exportFeatures' | 'exportResults' | 'cancelJob' | 'pickFolder' | 'pickSaveFile'>;

/**
 * Every export asks where to write in main's save dialog (the file names here are what it proposes): main writes
 * only to a file its dialog returned, and replaces an existing one only when the user confirmed it there.
 */
export class ExportState {
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

  /** Asks for the folder whose photos to embed (instead of the whole catalog). */
  async chooseInputs(): Promise<void> {
    this.error = null;
    try {
      const { path } = await this.#client.pickFolder({ title: 'Export the features of this folder', purpose: 'export-source' });
      if (path) this.inputs = [path];
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  setResultsFormat(format: ResultFormat): void {
    this.resultsFormat = format;
    this.resultsName = this.resultsName.replace(/(\.[a-z0-9]+)?$/i, `.${format}`);
  }

  async exportFeatures(): Promise<void> {
    if (this.job.active) return;
    this.error = null;
    let out: string | null;
    try {
      out = (await this.#client.pickSaveFile({ title: 'Export features', defaultName: this.featureName, format: this.format })).path;
    } catch (err) {
      this.error = messageOf(err);
      return;
    }
    if (out === null) return;
    this.job.starting();
    try {
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
    this.error = null;
    this.resultsSummary = null;
    try {
      const { path: out } = await this.#client.pickSaveFile({ title: 'Export duplicate groups', defaultName: this.resultsName, format: this.resultsFormat });
      if (out === null) return;
      this.resultsSummary = await this.#client.exportResults({ format: this.resultsFormat, out, threshold });
    } catch (err) {
      this.error = messageOf(err);
    }
  }
}
