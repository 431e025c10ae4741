// The blotter's filter (state, instrument, strategy) and which parent orders
// are collapsed, kept across tab switches; selectBlotterView derives the rows
// from the desk's orders (lib/blotter.ts).
import { create } from 'zustand';
import { ALL_ORDERS, blotterView, type BlotterFilter, type BlotterView } from '../lib/blotter.js';
import type { Order } from '../../../shared/domain.js';

export const MAX_FINISHED_ROWS = 1000;

export interface BlotterUiState {
  filter: BlotterFilter;
  collapsed: ReadonlySet<string>;
}

export const useBlotterUi = create<BlotterUiState>()(() => ({ filter: { ...ALL_ORDERS }, collapsed: new Set<string>() }));

export function setBlotterFilter(patch: Partial<BlotterFilter>): void {
  useBlotterUi.setState((s) => ({ filter: { ...s.filter, ...patch } }));
}

export function toggleCollapsed(parentId: string): void {
  useBlotterUi.setState((s) => {
    const next = new Set(s.collapsed);
    if (!next.delete(parentId)) next.add(parentId);
    return { collapsed: next };
  });
}

export function selectBlotterView(orders: readonly Order[], ui: BlotterUiState): BlotterView {
  return blotterView(orders, ui.filter, ui.collapsed, MAX_FINISHED_ROWS);
}
