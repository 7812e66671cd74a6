import { parentPort, workerData } from 'node:worker_threads';
import { chunkMaker, type TableResult, type TableTask, type TableThreadData } from './table-pool';

/**
 * A table thread of the command's output (table-pool.ts): for every task posted, the chunk made (CSV lines by
 * a CsvRowFormatter, a Parquet row group by a RowGroupEncoder), its bytes handed back (transferred, not copied),
 * with the row group's metadata for Parquet; a buffer posted back once written is reused.
 */
const { kind, header } = workerData as TableThreadData;
const maker = chunkMaker(kind, header);

parentPort!.on('message', (task: TableTask | ArrayBuffer) => {
  if (task instanceof ArrayBuffer) {
    maker.recycle(task);
    return;
  }
  const result: TableResult = { seq: task.seq, ...maker.make(task.columns, 0, task.rows) };
  parentPort!.postMessage(result, [result.bytes.buffer as ArrayBuffer]);
});
