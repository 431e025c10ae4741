// The remembered workspace layout: a zustand store loaded from localStorage at
// start and saved on every change, so it survives a reload and an engine
// disconnect or restart (the engine never sees it). `epoch` changes on reset,
// which remounts the resizable groups so they take the default sizes again.
import { create } from 'zustand';
import { defaultLayout, movePanel, parseLayout, showPanel, type AreaId, type GroupSizes, type Layout, type PanelId } from './layout-model.js';

export const LAYOUT_KEY = 'tradedesk.layout.v1';

interface LayoutState extends Layout {
  epoch: number;
  /** Why the saved layout was repaired or could not be read, or null. */
  problem: string | null;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function load(): LayoutState {
  const { layout, problem } = parseLayout(storage()?.getItem(LAYOUT_KEY) ?? null);
  if (problem) console.warn(`[tradedesk] ${problem}`);
  return { ...layout, epoch: 0, problem };
}

export const useLayout = create<LayoutState>()(() => load());

function save(s: LayoutState): void {
  const layout: Layout = { areas: s.areas, active: s.active, sizes: s.sizes };
  try {
    storage()?.setItem(LAYOUT_KEY, JSON.stringify(layout));
  } catch (e) {
    console.warn('[tradedesk] could not save the layout:', (e as Error).message);
  }
}

useLayout.subscribe(save);

export function moveTo(panel: PanelId, area: AreaId): void {
  useLayout.setState((s) => movePanel(s, panel, area));
}

export function show(panel: PanelId): void {
  useLayout.setState((s) => showPanel(s, panel));
}

export function setGroupSizes(group: string, sizes: GroupSizes): void {
  useLayout.setState((s) => ({ sizes: { ...s.sizes, [group]: sizes } }));
}

export function resetLayout(): void {
  useLayout.setState((s) => ({ ...defaultLayout(), epoch: s.epoch + 1, problem: null }));
}
