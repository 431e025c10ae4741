// Child process for sigkill.test.ts's group-commit trials: the engine on the
// simulator with durable group commit forced on (journal.groupCommit 'on'; by
// default only broker venues use it), driven like `serve --speed 3000`, until the
// parent kills it with SIGKILL. Prints "UI: <mode>" once trading runs, as serve
// prints its UI line.
import { createEngine } from '../../../src/engine/engine.js';

const [dir, seed] = process.argv.slice(2);
const e = await createEngine({ sim: { speed: 3000, seed: Number(seed) }, journal: { groupCommit: 'on' } }, { dataDir: dir! });
await e.start();
if (!e.journal || !(e.journal as { groupsDurable?: boolean }).groupsDurable) throw new Error('durable group commit is not on');
process.stdout.write('UI: group-commit\n');
