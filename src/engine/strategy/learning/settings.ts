// The learning settings (the engine config's `learning` section): how fast the
// performance EMA moves, how much UCB1 exploration is added, how a resolved
// prediction is scored, and how much the learned weights count against the
// configured ones as evidence grows. One zod schema with its defaults.
import { z } from 'zod';

const Step = z.object({
  /** Applies while the evidence (resolved predictions) is below this count. */
  below: z.number().int().positive(),
  influence: z.number().min(0).max(1),
});

export const LearningSettings = z
  .object({
    /** Track predictions and learn weights at all (off: weights stay 1, influence 0). */
    enabled: z.boolean(),
    /** EMA smoothing of each resolved prediction's reward: ema += alpha × (reward − ema). */
    emaAlpha: z.number().gt(0).max(1),
    /** The EMA's starting value before any evidence (0.5 = coin flip). */
    prior: z.number().min(0).max(1),
    /** UCB1 exploration: bonus = c × sqrt(ln N / n), N = resolved in the regime, n = the strategy's there. */
    explorationC: z.number().min(0).max(10),
    /** Reward of a resolved prediction: 'hit' = 1 when score and return agree in sign, else 0; 'payoff' = 0.5 + 0.5 × tanh(score × return / payoffScale). */
    reward: z.enum(['hit', 'payoff']),
    /** The return (fraction) at which a full-score payoff reward reaches 0.5 + 0.5 × tanh(1) ≈ 0.88. */
    payoffScale: z.number().gt(0).max(1),
    /** Influence of the learned weight while a strategy's evidence in a regime is below each step's count (ascending). */
    influenceSchedule: z.array(Step).max(20),
    /** Influence at or beyond the last step. */
    influenceBeyond: z.number().min(0).max(1),
  })
  .refine((s) => s.influenceSchedule.every((st, i, a) => i === 0 || a[i - 1]!.below < st.below), {
    message: "the steps' 'below' counts must increase",
    path: ['influenceSchedule'],
  });
export type LearningSettings = z.infer<typeof LearningSettings>;

/** Defaults: influence 0.2 below 10 resolved predictions, 0.3 below 30, 0.5 below 100, 0.7 beyond. */
export const DEFAULT_LEARNING: LearningSettings = {
  enabled: true,
  emaAlpha: 0.1,
  prior: 0.5,
  explorationC: 0.2,
  reward: 'hit',
  payoffScale: 0.01,
  influenceSchedule: [
    { below: 10, influence: 0.2 },
    { below: 30, influence: 0.3 },
    { below: 100, influence: 0.5 },
  ],
  influenceBeyond: 0.7,
};

/** The defaults with a partial override, validated (throws a ZodError naming the field). */
export function learningSettings(over: Partial<LearningSettings> = {}): LearningSettings {
  return LearningSettings.parse({ ...DEFAULT_LEARNING, ...over });
}

/** The influence the schedule gives for this much evidence. */
export function influenceFor(evidence: number, s: Pick<LearningSettings, 'influenceSchedule' | 'influenceBeyond'>): number {
  for (const step of s.influenceSchedule) if (evidence < step.below) return step.influence;
  return s.influenceBeyond;
}
