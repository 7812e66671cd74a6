// Worker-thread entry of computeFeaturesParallel (parallel-node.ts): loads the TypeScript task through tsx's
// loader, as bin/candlecast.js does for the command.
import { register } from 'tsx/esm/api';

register();
await import('./parallel-side.ts');
