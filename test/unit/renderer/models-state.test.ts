import { describe, expect, it } from 'vitest';
import { epochPlot } from '../../../renderer/src/lib/utils/plot';
import { ModelsState } from '../../../renderer/src/lib/state/models.state.svelte';
import type { FinetuneState, ModelVersionSummary } from '../../../electron/contract';

describe('epoch plot', () => {
  it('scales loss to its own range and the validation score to 0..1, marking the best epoch', () => {
    const plot = epochPlot(
      [
        { epoch: 1, loss: 0.9, validationScore: 0.5, best: true },
        { epoch: 2, loss: 0.5, validationScore: 0.75, best: true },
        { epoch: 3, loss: 0.1, validationScore: 0.7, best: false },
      ],
      200,
      100,
    );
    expect(plot.lossPath).toBe('M0,0 L100,50 L200,100');
    expect(plot.validationPath).toBe('M0,50 L100,25 L200,30');
    expect(plot.best).toEqual({ x: 100, y: 25 });
    expect(plot.lossRange).toEqual({ min: 0.1, max: 0.9 });
  });

  it('draws nothing without epochs and a flat line for one epoch or equal losses', () => {
    expect(epochPlot([], 100, 50)).toEqual({ lossPath: '', validationPath: '', best: null, lossRange: null, epochs: 0 });
    expect(epochPlot([{ epoch: 4, loss: 0.3, validationScore: null, best: false }], 100, 50).lossPath).toBe('M50,25');
  });

  it('draws a second training (fine-tuning at a second learning rate) as its own line over the same epochs', () => {
    const plot = epochPlot(
      [
        { epoch: 1, loss: 0.9, validationScore: 0.5, best: true },
        { epoch: 2, loss: 0.5, validationScore: 0.6, best: true },
        { epoch: 1, loss: 0.7, validationScore: 0.4, best: true },
        { epoch: 2, loss: 0.1, validationScore: 0.8, best: true },
        { epoch: 3, loss: 0.3, validationScore: 0.7, best: false },
      ],
      200,
      100,
    );
    expect(plot.lossPath).toBe('M0,0 L100,50 M0,25 L100,100 L200,75');
    expect(plot.validationPath).toBe('M0,50 L100,40 M0,60 L100,20 L200,30');
    expect(plot.epochs).toBe(5);
  });
});

describe('ModelsState', () => {
  const version = (id: number, active: boolean): ModelVersionSummary => ({
    id, modelId: 'ana', version: `0.${id}`, status: active ? 'released' : 'validated', source: 'shipped', active, parentId: null, trainingRunId: null,
    createdAtMs: id, releasedAtMs: null, labels: ['golgi'], description: null, gate: null, untrained: [], untrainedCalls: null,
  });
  const run = (status: FinetuneState['status']): FinetuneState => ({ status, startedAtMs: 1, finishedAtMs: null, progress: null, epochs: [], result: null, error: null });

  it('knows the active version and lists newest first', () => {
    const m = new ModelsState();
    m.versions = [version(1, false), version(3, true), version(2, false)];
    expect(m.active?.id).toBe(3);
    expect(m.ordered.map((v) => v.id)).toEqual([3, 2, 1]);
    m.reset();
    expect(m.active).toBeNull();
  });

  it('takes pushed run states', () => {
    const m = new ModelsState();
    m.onRunState(run('running'));
    expect(m.run?.status).toBe('running');
    m.onRunState({ ...run('running'), epochs: [{ epoch: 1, loss: 0.4, validationScore: 0.6, best: true }] });
    expect(m.run?.epochs).toHaveLength(1);
  });
});
