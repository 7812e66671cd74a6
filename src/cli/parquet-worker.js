// Worker-thread entry of the Parquet encoder threads (parquet-pool.ts): loads the TypeScript module through
// tsx's loader; the compiled command runs dist-cli/parquet-side.js instead (scripts/build-cli.js).
import { register } from 'tsx/esm/api';

register();
await import('./parquet-side.ts');
