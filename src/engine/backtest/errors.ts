// Errors a backtest ends with: bad input (naming the bar and field), a strategy
// that raised (naming the strategy and the bar it failed on), or a cancel.

export type BacktestErrorCode = 'BAD_INPUT' | 'NO_BARS' | 'STRATEGY_FAILED' | 'CANCELED';

export class BacktestError extends Error {
  constructor(
    readonly code: BacktestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BacktestError';
  }
}
