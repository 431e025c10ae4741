// Errors a backtest ends with: bad input (naming the bar and field), a strategy
// that raised (naming the strategy and the bar it failed on), or a cancel.
import { TradedeskError } from '../core/errors.js';

export type BacktestErrorCode = 'BAD_INPUT' | 'NO_BARS' | 'STRATEGY_FAILED' | 'CANCELED';

export class BacktestError extends TradedeskError {
  constructor(
    override readonly code: BacktestErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'BacktestError';
  }
}
