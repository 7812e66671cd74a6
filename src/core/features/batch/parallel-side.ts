import { parentPort } from 'node:worker_threads';
import { BatchContext } from './context';
import { featureColumns, sideGroups } from './index';
import { candleViews, type SideTask } from './parallel-node';

/**
 * The side thread of computeFeaturesParallel: for every task posted, `sideGroups` into the shared output
 * columns, then an empty reply. It stays up between tasks (the first one pays for starting it).
 */
parentPort!.on('message', (task: SideTask) => {
  const [open, high, low, close, volume] = candleViews(task.candles, task.rows) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  sideGroups(new BatchContext(open, high, low, close, volume, featureColumns(task.output, task.rows)));
  parentPort!.postMessage(null);
});
