import { parentPort, workerData } from 'node:worker_threads';
import { RowGroupEncoder } from './parquet-groups';
import type { EncodeResult, EncodeTask } from './parquet-pool';

/**
 * An encoder thread of the Parquet output (parquet-pool.ts): for every task posted, the row group encoded by
 * RowGroupEncoder, its bytes handed back (transferred, not copied) with its metadata; a buffer posted back once
 * written is reused.
 */
const encoder = new RowGroupEncoder((workerData as { header: string[] }).header);

parentPort!.on('message', (task: EncodeTask | ArrayBuffer) => {
  if (task instanceof ArrayBuffer) {
    encoder.recycle(task);
    return;
  }
  const { bytes, group } = encoder.encode(task.columns, 0, task.rows);
  const result: EncodeResult = { seq: task.seq, bytes, group };
  parentPort!.postMessage(result, [bytes.buffer as ArrayBuffer]);
});
