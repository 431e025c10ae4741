// What the risk panel draws: the live 'risk' event when there is one, else
// what the account snapshot and the loaded limits already tell (the engine
// sends no 'risk' event while the account is flat). Limits come from whichever
// arrived last: the event or getRiskLimits/setRiskLimits.
import type { RiskGauges } from '../../../shared/api/contract.js';
import { useDesk } from '../store/desk-store.js';
import { useRiskUi } from '../store/risk-store.js';

export interface RiskView {
  /** True once a 'risk' event arrived (drawdown, day P&L, vol regime are known). */
  live: boolean;
  gross: number | null;
  net: number | null;
  drawdown: number | null;
  dayPnl: number | null;
  dayLossLimit: number | null;
  var95: number | null;
  equity: number | null;
  limits: RiskGauges['limits'] | null;
  gauges: RiskGauges | null;
}

function num(v: number | string | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function useRiskView(): RiskView {
  const gauges = useDesk((s) => s.risk);
  const riskAt = useDesk((s) => s.riskAt);
  const account = useDesk((s) => s.account);
  const settings = useRiskUi((s) => s.settings);
  const settingsAt = useRiskUi((s) => s.settingsAt);
  const analytics = useRiskUi((s) => s.analytics);

  let limits: RiskGauges['limits'] | null = gauges?.limits ?? null;
  if (settings && settingsAt >= riskAt) {
    const r = settings.risk;
    const m = settings.monitor;
    const l = {
      maxGrossExposurePct: num(r.maxGrossExposurePct),
      minNetExposurePct: num(r.minNetExposurePct),
      maxNetExposurePct: num(r.maxNetExposurePct),
      drawdownAlertPct: num(m.drawdownAlertPct),
      drawdownReducePct: num(m.drawdownReducePct),
    };
    if (Object.values(l).every((v) => v !== undefined)) limits = l as RiskGauges['limits'];
  }

  const equity = gauges?.equity ?? account?.equity ?? null;
  const safeEq = equity !== null && equity > 0 ? equity : null;
  const gross = gauges ? gauges.grossExposurePct : account && safeEq ? account.grossExposure / safeEq : null;
  const net = gauges ? gauges.netExposurePct : account && safeEq ? account.netExposure / safeEq : null;
  // The local run is the newest this UI asked for; the event carries runs by any client.
  const localVar = analytics ? (analytics.var.find((v) => v.confidence === 0.95)?.historical ?? null) : null;
  const dailyPct = num(settings?.monitor.dailyLossLimitPct);
  return {
    live: gauges !== null,
    gross,
    net,
    drawdown: gauges?.drawdownPct ?? null,
    dayPnl: gauges?.dayPnl ?? null,
    dayLossLimit: gauges?.dayLossLimit ?? (dailyPct !== undefined && safeEq ? dailyPct * safeEq : null),
    var95: gauges?.var95 ?? localVar,
    equity,
    limits,
    gauges,
  };
}
