// A run's symbols grouped by market calendar, as every backtest report writes
// them (the command's text, the HTML report, the Backtest view).

/** "nyse: QQQ, SPY; 24x7: BTC/USD" */
export function calendarsText(calendars: Record<string, string>): string {
  const by = new Map<string, string[]>();
  for (const [symbol, cal] of Object.entries(calendars)) (by.get(cal) ?? by.set(cal, []).get(cal)!).push(symbol);
  return [...by].map(([cal, symbols]) => `${cal}: ${symbols.sort().join(', ')}`).join('; ');
}
