/** Runs Debian's Python (/usr/bin/python3 with python3-xgboost, python3-sklearn, python3-onnx) for training. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = process.env['CANDLECAST_PYTHON'] ?? '/usr/bin/python3';
export const ENSEMBLE_DIR = dirname(fileURLToPath(import.meta.url));

/** Why the Python training stack is unusable, or null when xgboost, sklearn and onnx import. */
export function pythonProblem(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import xgboost, sklearn, onnx, scipy, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON}: ${r.error.message}`;
  if (r.status !== 0)
    return `${PYTHON} cannot import xgboost/sklearn/onnx: ${(r.stderr.trim().split('\n').pop() ?? '').trim()}`;
  return null;
}

export interface TrainArgs {
  data: string;
  config: string;
  out: string;
  work: string;
  threads?: number;
  shuffleTargets?: boolean;
  injectTarget?: boolean;
  /** Refit only the OOD check of the run already in `out` / `work` (train.py --ood-only). */
  oodOnly?: boolean;
  /** Inherit stdio (progress on the console) instead of capturing it. */
  inherit?: boolean;
}

/** Runs train.py under `nice`; throws with the last lines of its output when it fails. */
export function runTrainPy(a: TrainArgs): string {
  const args = [
    '-n',
    '10',
    PYTHON,
    join(ENSEMBLE_DIR, 'train.py'),
    '--data',
    a.data,
    '--config',
    a.config,
    '--out',
    a.out,
    '--work',
    a.work,
    '--threads',
    String(a.threads ?? 1),
  ];
  if (a.shuffleTargets) args.push('--shuffle-targets');
  if (a.injectTarget) args.push('--inject-target');
  if (a.oodOnly) args.push('--ood-only');
  const r = spawnSync('nice', args, {
    encoding: 'utf8',
    stdio: a.inherit ? 'inherit' : 'pipe',
    env: { ...process.env, OMP_NUM_THREADS: String(a.threads ?? 1), PYTHONHASHSEED: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`train.py failed (exit ${r.status}):\n${tail}`);
  }
  return r.stdout ?? '';
}
