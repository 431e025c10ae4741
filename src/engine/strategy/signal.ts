// The signal contract between strategies, the ensemble and the learning
// component. A strategy produces signals (never orders); the ensemble weighs
// them (optionally with learned weights from a WeightProvider) and reports
// every signal and bar to an optional SignalSink.

export interface Signal {
  strategy: string;          // strategy id
  symbol: string;
  ts: number;                // bar time (epoch ms) the signal was computed on
  score: number;             // [-1, 1]: direction and strength
  confidence: number;        // [0, 1]
  horizonBars: number;       // bars after which the prediction is judged
  reasons: string[];         // human-readable explanation of this signal
  features: Record<string, number>; // feature values used
}

export interface WeightProvider {
  /** Weight in [0, 1] of a strategy's signals in a regime (before normalisation). */
  weight(strategy: string, regime: string): number;
  /** Influence in [0, 1] of learned weights vs. configured base weights, given the evidence so far. */
  influence(strategy: string, regime: string): number;
}

export interface SignalSink {
  onSignal(s: Signal, price: number): void;
  onBar(symbol: string, ts: number, close: number): void;
}
