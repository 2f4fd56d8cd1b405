/** The Models page: registered versions, the fine-tuning run (its state is pushed as events) and the record's latest runs. */
import type { FinetuneMode, FinetuneReadiness, FinetuneRunSummary, FinetuneState, LearningCurve, ModelVersionSummary } from '../../../../electron/contract';
import { cancelFinetune, finetuneReadiness, finetuneRuns, finetuneStatus, startFinetune } from '../services/finetune.service';
import { learningCurve, listModels, promoteModel, rollbackModel } from '../services/models.service';
import { handleError } from '../services/errors.svelte';

export class ModelsState {
  versions = $state.raw<ModelVersionSummary[]>([]);
  run = $state.raw<FinetuneState | null>(null);
  curve = $state.raw<LearningCurve | null>(null);
  runs = $state.raw<FinetuneRunSummary[]>([]);
  readiness = $state.raw<FinetuneReadiness | null>(null);
  loading = $state(false);

  readonly active = $derived(this.versions.find((v) => v.active) ?? null);
  /** Newest first: the list a reviewer scans for candidates. */
  readonly ordered = $derived([...this.versions].sort((a, b) => b.id - a.id));

  async load(): Promise<void> {
    this.loading = true;
    try {
      [this.versions, this.run, this.curve, this.runs, this.readiness] = await Promise.all([listModels(), finetuneStatus(), learningCurve(), finetuneRuns(), finetuneReadiness()]);
    } catch (error) {
      handleError(error);
    } finally {
      this.loading = false;
    }
  }

  /** A pushed run state; when the run ends the registry may have changed. */
  onRunState(next: FinetuneState): void {
    const ended = this.run?.status === 'running' && next.status !== 'running';
    this.run = next;
    if (ended) void this.load();
  }

  private async act(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      await this.load();
      return true;
    } catch (error) {
      handleError(error);
      return false;
    }
  }

  promote(versionId: number, justification: string): Promise<boolean> {
    return this.act(() => promoteModel(versionId, justification));
  }

  rollback(reason: string): Promise<boolean> {
    return this.act(() => rollbackModel(reason));
  }

  /** Without a mode the workstation chooses (the measured default, core/training/finetune/finetune.ts). */
  async startFinetune(mode?: FinetuneMode): Promise<boolean> {
    try {
      this.run = await startFinetune(mode);
      return true;
    } catch (error) {
      handleError(error);
      return false;
    }
  }

  cancelFinetune(): Promise<boolean> {
    return this.act(() => cancelFinetune());
  }

  reset(): void {
    this.versions = [];
    this.run = null;
    this.runs = [];
    this.readiness = null;
    this.loading = false;
  }
}
