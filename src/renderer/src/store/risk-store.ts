// UI state of the risk features: which tab the right column shows, whether
// Settings is open and on which tab (risk limits, brokers, live trading), the engine's risk settings (getRiskLimits /
// setRiskLimits) and the last portfolio analytics run. Gauges themselves live
// in the desk store (the coalesced 'risk' event).
import { create } from 'zustand';
import type { RiskAnalytics, RiskSettings } from '../../../shared/api/contract.js';
import type { RendererClient } from '../transport/renderer-client.js';
import { errorMessage } from '../transport/errors.js';

export type SideTab = 'account' | 'risk' | 'ticket';
export type SettingsTab = 'limits' | 'brokers' | 'live';

export interface RiskUiState {
  sideTab: SideTab;
  settingsOpen: boolean;
  /** The Settings tab shown; kept between openings. */
  settingsTab: SettingsTab;
  /** The engine's limits and monitor settings, or null before the first answer. */
  settings: RiskSettings | null;
  /** When (Date.now()) `settings` was last set; compared with the risk event's arrival. */
  settingsAt: number;
  analytics: RiskAnalytics | null;
  analyticsBusy: boolean;
  analyticsError: string | null;
}

export const useRiskUi = create<RiskUiState>()(() => ({
  sideTab: 'account',
  settingsOpen: false,
  settingsTab: 'limits',
  settings: null,
  settingsAt: 0,
  analytics: null,
  analyticsBusy: false,
  analyticsError: null,
}));

export function setSideTab(sideTab: SideTab): void {
  useRiskUi.setState({ sideTab });
}

/** Opens Settings on `tab`, or on the tab shown last. */
export function openSettings(tab?: SettingsTab): void {
  useRiskUi.setState(tab ? { settingsOpen: true, settingsTab: tab } : { settingsOpen: true });
}

export function setSettingsTab(settingsTab: SettingsTab): void {
  useRiskUi.setState({ settingsTab });
}

export function closeSettings(): void {
  useRiskUi.setState({ settingsOpen: false });
}

export function setRiskSettings(settings: RiskSettings): void {
  useRiskUi.setState({ settings: { risk: settings.risk, monitor: settings.monitor }, settingsAt: Date.now() });
}

/** Fetches the limits; failures are logged (the panel then shows the event's limits only). */
export async function loadRiskSettings(client: RendererClient): Promise<RiskSettings | null> {
  try {
    const s = await client.call('getRiskLimits', {});
    setRiskSettings(s);
    return s;
  } catch (e) {
    console.warn('[tradedesk] getRiskLimits failed:', errorMessage(e));
    return null;
  }
}

/** Runs riskAnalytics on the engine (off its main thread); one run at a time. */
export async function runAnalytics(client: RendererClient): Promise<void> {
  if (useRiskUi.getState().analyticsBusy) return;
  useRiskUi.setState({ analyticsBusy: true, analyticsError: null });
  try {
    const analytics = await client.call('riskAnalytics', {});
    useRiskUi.setState({ analytics, analyticsBusy: false });
  } catch (e) {
    useRiskUi.setState({ analyticsBusy: false, analyticsError: errorMessage(e) });
  }
}
