// The contract's command names, spelled out so the sandboxed preload needs no
// runtime import of the contract (a sandboxed preload can require only
// 'electron' and a few builtins, not zod). The compiler checks the list is
// exactly CommandName: a missing or unknown name fails the type check.
import type { CommandName } from '../shared/api/contract.js';

export const PRELOAD_COMMAND_NAMES = [
  'status',
  'snapshot',
  'listInstruments',
  'getBars',
  'halt',
  'resume',
  'kill',
  'cancelOrder',
  'submitOrder',
  'closePosition',
  'replaceOrder',
  'listDecisions',
  'getDecision',
  'exportJournal',
  'flatten',
  'getRiskLimits',
  'setRiskLimits',
  'whatIf',
  'riskAnalytics',
  'accountMetrics',
  'credentialStatus',
  'setCredentials',
  'deleteCredentials',
  'testCredentials',
  'reconciliation',
  'acknowledgeDifference',
  'acknowledgeAlert',
  'venueHealth',
  'dataQuality',
  'getSettings',
  'setLiveTrading',
  'listStrategies',
  'setStrategyEnabled',
  'setStrategyWeight',
  'backtestRun',
  'backtestStatus',
  'backtestResult',
  'backtestCancel',
  'backtestList',
  'backtestStrategies',
  'backtestHtml',
] as const satisfies readonly CommandName[];

type Missing = Exclude<CommandName, (typeof PRELOAD_COMMAND_NAMES)[number]>;
// If this line fails to compile, a contract command is missing from the list above.
export const ALL_COMMANDS_LISTED: [Missing] extends [never] ? true : Missing = true;
