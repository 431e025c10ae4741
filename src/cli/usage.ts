// Usage text and the error types the CLI maps to exit codes
// (2 = usage error, 1 = runtime failure such as a refused connection).

export const USAGE = `Usage: tradedesk <command> [options]

Commands:
  serve   Run the engine and serve the UI to a browser on 127.0.0.1
            --port N          port to listen on (default 5317; 0 = any free port)
            --host 127.0.0.1  bind address (loopback only)
            --seed N          simulator seed (default 42)
            --speed X|max     simulated seconds per real second (default 60)
            --profile P       conservative | balanced | aggressive (default balanced)
            --data-dir DIR    data folder: journal, simulator account (default ~/.tradedesk)
            --read-only       show the journal without trading (e.g. a damaged one)
            --venue V         sim (default) | alpaca-paper | alpaca-live | ccxt:<exchange> (testnet unless --live)
            --endpoint rest=URL,data=URL,stream=URL,data-stream=URL   override the venue's endpoints
            --symbols A,B     instruments to trade on a broker venue
            --live            ccxt: trade the real account (needs live trading enabled)
            --cross-check ccxt:<id>[=URL]  compare crypto prices with a second exchange (flag > 0.5%)
            --bars FILE.csv   replay these bars through the backtest venue instead of the simulator
                              (repeatable; into a fresh --data-dir; logs "bars replayed:" at the end)
            --strategy NAME   with --bars: what to run, as for backtest (default ensemble)
            --costs model|none  with --bars: the cost model on (default) or off, as for backtest
            --calendar auto|nyse|24x7  with --bars: the stocks' market calendar, as for backtest (default auto)
          Prints one line to stdout: UI: http://127.0.0.1:PORT/#token=TOKEN
  ctl     Control a running engine
            tradedesk ctl status|halt|resume|kill|flatten --url <UI url> [--reason TEXT] [--json]
                          [--symbol SYM | --strategy ID]   (scope halt/resume/kill/flatten)
            resume needs --reason; flatten = kill, then close positions (exit 1 if any is left)
  journal Check or export the journal
            tradedesk journal verify --data-dir DIR [--json]
            tradedesk journal export --data-dir DIR --format csv|jsonl [--kind decisions|orders|fills|alerts|all]
  replay  Re-run the recorded inputs and compare every decision and order with the journal
            tradedesk replay --data-dir DIR [--json]
  metrics Performance metrics of an equity curve
            tradedesk metrics --equity FILE.csv [--json]
  features Streaming features of a bars CSV, one output row per input bar
            tradedesk features --bars FILE.csv --out OUT.csv [--symbol SYM] [--benchmark SYM]
            FILE.csv: timestamp,open,high,low,close,volume[,symbol]; timestamps ISO dates or
            datetimes (no zone = UTC) or epoch ms; OUT.csv: timestamp,symbol and every feature
            (sma_20 ... vol_21 ...), empty during warm-up. --symbol: the symbol when the file has
            no symbol column (default: the file name); --benchmark: corr_63 against that symbol.
            Bad input: exit 1 naming FILE:LINE and the field; nothing is written.
  backtest Run strategies over CSV or cached venue bars on the same engine (risk, OMS, simulated fills, costs)
            tradedesk backtest --bars FILE.csv [--strategy NAME[:k=v,...]]... [--from DATE] [--to DATE]
                          [--cash N] [--costs none|model] [--walk-forward train=N,test=M] [--json]
            tradedesk backtest --symbols A,B [--timeframe 1Day] --from DATE --to DATE [--data-dir DIR]
                          [--offline] [...]   (bar cache; missing bars downloaded with Alpaca keys)
            (tradedesk backtest --help lists every option)
  credentials  Venue API keys in the OS keychain (secrets are read from stdin, never argv)
            tradedesk credentials set|status|delete --venue alpaca|alpaca-live|ccxt:<exchange> [--json]
  live    The live-trading opt-in: tradedesk live enable|disable|status --data-dir DIR
            (enable asks you to type the confirmation phrase on stdin)
  bench   Run the benchmarks and print a table (with core count, Node version, load average)
            --json            print {"machine":{cores,node,loadavg_start,...},"results":[{name,value,unit,peer,peer_value,ratio,detail?}]}
            --only NAME       run only the benchmark NAME (or those under NAME., e.g. journal)
            (TRADEDESK_BENCH_QUICK=1 shrinks the sample sizes)

Options:
  -h, --help  show this help
`;

/** Bad command line: the message is printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure with a chosen exit code and a message for stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
