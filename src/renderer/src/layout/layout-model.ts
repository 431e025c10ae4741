// The workspace layout as data: which panels each area holds (in tab order),
// the panel shown in each area, and the sizes of the resizable groups. Pure
// functions: the default, moving a panel between areas, and validating what
// localStorage gives back (anything unreadable falls back to the default,
// panels missing from a stored layout are put back in their default area).

export const AREAS = ['left', 'center', 'right', 'bottomLeft', 'bottom'] as const;
export type AreaId = (typeof AREAS)[number];

export const PANELS = ['watchlist', 'chart', 'dashboard', 'side', 'alerts', 'dock'] as const;
export type PanelId = (typeof PANELS)[number];

export const AREA_LABEL: Record<AreaId, string> = {
  left: 'Left column',
  center: 'Centre',
  right: 'Right column',
  bottomLeft: 'Bottom left',
  bottom: 'Bottom',
};

export const PANEL_LABEL: Record<PanelId, string> = {
  watchlist: 'Watchlist',
  chart: 'Chart',
  dashboard: 'Dashboard',
  side: 'Account, risk & ticket',
  alerts: 'Alerts',
  dock: 'Blotter & journal',
};

/** Percent sizes of one resizable group, by the ids of its children. */
export type GroupSizes = Record<string, number>;

export interface Layout {
  areas: Record<AreaId, PanelId[]>;
  active: Record<AreaId, PanelId | null>;
  sizes: Record<string, GroupSizes>;
}

export function defaultLayout(): Layout {
  return {
    areas: { left: ['watchlist'], center: ['chart', 'dashboard'], right: ['side'], bottomLeft: ['alerts'], bottom: ['dock'] },
    active: { left: 'watchlist', center: 'chart', right: 'side', bottomLeft: 'alerts', bottom: 'dock' },
    sizes: {},
  };
}

const DEFAULT_AREA: Record<PanelId, AreaId> = { watchlist: 'left', chart: 'center', dashboard: 'center', side: 'right', alerts: 'bottomLeft', dock: 'bottom' };

export function areaOf(layout: Layout, panel: PanelId): AreaId | null {
  return AREAS.find((a) => layout.areas[a].includes(panel)) ?? null;
}

/** Moves a panel to the end of another area's tabs and shows it there. */
export function movePanel(layout: Layout, panel: PanelId, to: AreaId): Layout {
  const from = areaOf(layout, panel);
  if (from === to) return { ...layout, active: { ...layout.active, [to]: panel } };
  const areas = { ...layout.areas };
  const active = { ...layout.active };
  if (from) {
    areas[from] = areas[from].filter((p) => p !== panel);
    if (active[from] === panel) active[from] = areas[from][0] ?? null;
  }
  areas[to] = [...areas[to], panel];
  active[to] = panel;
  return { ...layout, areas, active };
}

export function showPanel(layout: Layout, panel: PanelId): Layout {
  const area = areaOf(layout, panel);
  return area ? { ...layout, active: { ...layout.active, [area]: panel } } : layout;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPanel = (v: unknown): v is PanelId => typeof v === 'string' && (PANELS as readonly string[]).includes(v);

/**
 * Reads a stored layout. Returns the layout and, when something had to be
 * dropped or repaired, what (so the UI can say so instead of silently resetting).
 */
export function parseLayout(raw: string | null): { layout: Layout; problem: string | null } {
  if (raw === null) return { layout: defaultLayout(), problem: null };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { layout: defaultLayout(), problem: 'the saved layout is not valid JSON; the default layout is used' };
  }
  if (!isObject(data) || !isObject(data.areas)) return { layout: defaultLayout(), problem: 'the saved layout has no areas; the default layout is used' };
  const problems: string[] = [];
  const layout = defaultLayout();
  const placed = new Set<PanelId>();
  for (const area of AREAS) {
    const list = data.areas[area];
    if (!Array.isArray(list)) {
      layout.areas[area] = [];
      continue;
    }
    layout.areas[area] = list.filter((p): p is PanelId => {
      if (!isPanel(p)) problems.push(`unknown panel ${JSON.stringify(p)} in ${area}`);
      else if (placed.has(p)) problems.push(`panel '${p}' listed twice`);
      else return placed.add(p), true;
      return false;
    });
  }
  for (const p of PANELS) {
    if (placed.has(p)) continue;
    layout.areas[DEFAULT_AREA[p]].push(p);
    problems.push(`panel '${p}' was missing; put back in ${DEFAULT_AREA[p]}`);
  }
  const active = isObject(data.active) ? data.active : {};
  for (const area of AREAS) {
    const a = active[area];
    layout.active[area] = isPanel(a) && layout.areas[area].includes(a) ? a : (layout.areas[area][0] ?? null);
  }
  if (isObject(data.sizes)) {
    for (const [group, sizes] of Object.entries(data.sizes)) {
      if (!isObject(sizes)) continue;
      const ok = Object.entries(sizes).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100);
      if (ok.length) layout.sizes[group] = Object.fromEntries(ok) as GroupSizes;
    }
  }
  return { layout, problem: problems.length ? `saved layout repaired: ${problems.join('; ')}` : null };
}
