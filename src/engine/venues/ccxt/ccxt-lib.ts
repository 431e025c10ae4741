// ccxt itself, loaded when a ccxt venue or the cross-exchange check first needs it
// rather than when the engine is imported: its few hundred ES modules cost seconds
// of CPU at every start (more under tsx), which an engine on the simulator or on
// Alpaca never uses. It is require()d from its ES entry (Node >= 20.19 loads ES
// modules synchronously), so it is the very module instance `import 'ccxt'` gives
// elsewhere (one set of error classes), not the package's separate CommonJS bundle.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type ccxtDefault from 'ccxt';

export type Ccxt = typeof ccxtDefault;

let lib: Ccxt | undefined;

/** The ccxt module (its default export), loaded on the first call. */
export function ccxtLib(): Ccxt {
  if (!lib) {
    const require = createRequire(import.meta.url);
    // the package exports only '.', whose require condition is the CommonJS bundle
    // (dist/ccxt.cjs); its ES entry is js/ccxt.js beside it
    const esEntry = join(dirname(require.resolve('ccxt')), '..', 'js', 'ccxt.js');
    lib = (require(esEntry) as { default: Ccxt }).default;
  }
  return lib;
}
