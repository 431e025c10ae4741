// The manual order ticket's fields and last send result, kept across tab
// switches. The symbol is not here: the ticket trades the watchlist selection.
import { create } from 'zustand';
import type { SubmitResult } from '../../../shared/api/contract.js';
import type { OrderSide, OrderType, TimeInForce } from '../../../shared/domain.js';
import type { AlgoFields } from '../lib/ticket-algo.js';

export interface TicketState extends AlgoFields {
  side: OrderSide;
  type: OrderType;
  tif: TimeInForce;
  /** As typed (validated when used). */
  qty: string;
  limit: string;
  /** The limit price was typed by hand: stop prefilling it from the quote. */
  limitTouched: boolean;
  result: (SubmitResult & { symbol: string; side: OrderSide; qty: number }) | null;
  sendError: string | null;
}

export const useTicket = create<TicketState>()(() => ({
  side: 'buy',
  type: 'limit',
  tif: 'day',
  qty: '',
  limit: '',
  limitTouched: false,
  exec: 'direct',
  durationMin: '',
  sliceSec: '',
  capPct: '',
  displayQty: '',
  result: null,
  sendError: null,
}));

export function setTicket(patch: Partial<TicketState>): void {
  useTicket.setState(patch);
}
