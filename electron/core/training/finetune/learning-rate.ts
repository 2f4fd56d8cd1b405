/** The learning rate of whole-network fine-tuning: the given (or recorded) one, or two tried and one kept on the lab's early-stopping cases. */
import type { NetworkTrainingOptions } from '../network/network-trainer';
import { BLEND_CHOICE_MARGIN, MIN_CASES_TO_CHOOSE_BLEND } from './blend';

/** How fine-tuning sets its learning rate: the given (or recorded) one, or 'auto' (chosen on the early-stopping cases). */
export type LearningRateChoice = 'given' | 'auto';

/**
 * The second rate `learningRate: 'auto'` tries: the rate 0.7.0's training started at (its recorded
 * 3·10⁻⁴ is its schedule's tail). A package far from the lab's microscope learns far more at it
 * (docs/results.md, *The fine-tuning learning rate*), one close to it less.
 */
export const FAST_FINETUNE_LR = 2e-3;

/**
 * Fine-tuning's learning rate for a whole network unless a rate is given: the recorded one and
 * `FAST_FINETUNE_LR`, the early-stopping cases choosing (docs/results.md, *Choosing the learning
 * rate on the lab's own cases*).
 */
export const DEFAULT_LEARNING_RATE: LearningRateChoice = 'auto';

/** The choice a run makes: the one asked, else 'given' when `training.lr` sets a rate, else `DEFAULT_LEARNING_RATE`. */
export function learningRateChoice(asked: LearningRateChoice | undefined, training: Partial<NetworkTrainingOptions> | undefined): LearningRateChoice {
  return asked ?? (training?.lr !== undefined ? 'given' : DEFAULT_LEARNING_RATE);
}

/** The rates 'auto' trains at: the one in use, and `FAST_FINETUNE_LR` if it is faster and there are enough early-stopping cases to rank two candidates. */
export function ratesToTry(lr: number, choice: LearningRateChoice, stopCases: number): number[] {
  return choice === 'auto' && lr < FAST_FINETUNE_LR && stopCases >= MIN_CASES_TO_CHOOSE_BLEND ? [lr, FAST_FINETUNE_LR] : [lr];
}

/** A rate 'auto' tried and its candidate's early-stopping mAP. */
export interface RateTried {
  lr: number;
  map: number;
}

/** The rate whose candidate ranks the early-stopping cases best: the first (the rate in use) unless another beats its mAP by more than `margin`. */
export function bestRate(tried: readonly RateTried[], margin = BLEND_CHOICE_MARGIN): number {
  const [first, ...others] = tried;
  let best = first!;
  for (const t of others) if (t.map > Math.max(best.map, first!.map + margin)) best = t;
  return best.lr;
}

/** The rates 'auto' tried, in words (card, `ana train`, the benches): each with its candidate's early-stopping mAP. */
export function ratesTriedWords(tried: readonly RateTried[]): string {
  return tried.map((t) => `${t.lr}: ${t.map.toFixed(3)}`).join(', ');
}
