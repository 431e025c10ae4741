// Hooks over the instrument list: lookup by symbol and price decimals per symbol.
import { useMemo } from 'react';
import type { Instrument } from '../../../shared/domain.js';
import { useDesk } from '../store/desk-store.js';
import { decimalsForTick } from './format.js';

export function useInstrumentMap(): Map<string, Instrument> {
  const instruments = useDesk((s) => s.instruments);
  return useMemo(() => new Map(instruments.map((i) => [i.symbol, i])), [instruments]);
}

export function priceDecimals(map: Map<string, Instrument>, symbol: string): number | undefined {
  return decimalsForTick(map.get(symbol)?.tickSize);
}
