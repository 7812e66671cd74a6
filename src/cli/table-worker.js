// Worker-thread entry of the table threads (table-pool.ts): loads the TypeScript module through
// tsx's loader; the compiled command runs dist-cli/table-side.js instead (scripts/build-cli.js).
import { register } from 'tsx/esm/api';

register();
await import('./table-side.ts');
