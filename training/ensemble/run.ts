/**
 * The whole price-ensemble pipeline, one reproducible command (`npm run train:ensemble`):
 *   1. export features and targets with the TypeScript engine (export-features.ts)
 *   2. train xgboost / hist_gbdt / random_forest per horizon with Debian's Python (train.py), convert to ONNX
 *   3. load the ONNX models with onnxruntime-web (wasm) and check parity with the Python models (<= 1e-5)
 *   4. score the foreign files through the shipped runtime (evaluate.ts) and write the manifest entry
 *      models.price_ensemble (public/models/manifest.json)
 *
 *   tsx training/ensemble/run.ts [--config C] [--out DIR] [--work DIR] [--manifest FILE | --no-manifest]
 *                                [--skip-export] [--skip-train (only re-check parity and rewrite the manifest)]
 *                                [--ood-only (refit only the OOD check of the run in --out/--work, then as --skip-train)]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { loadPriceEnsembleFromDir } from '../../src/core/models/price-ensemble-node';
import { defaultCandlesDir, exportFeatures, type TrainingConfig } from './export-features';
import { manifestEntry, modelsDirName, parityCheck, updateManifest } from './manifest';
import { checkParity } from './parity';
import { evaluateFiles, foreignFiles } from './evaluate';
import { ENSEMBLE_DIR, pythonProblem, runTrainPy } from './python';

export const PARITY_TOLERANCE = 1e-5;
const repoRoot = resolve(ENSEMBLE_DIR, '..', '..');

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: join(ENSEMBLE_DIR, 'config.json') },
    out: { type: 'string', default: join(repoRoot, 'public', 'models', 'price-ensemble') },
    work: { type: 'string', default: join(repoRoot, 'training', '.work', 'ensemble') },
    manifest: { type: 'string', default: join(repoRoot, 'public', 'models', 'manifest.json') },
    'no-manifest': { type: 'boolean', default: false },
    'skip-export': { type: 'boolean', default: false },
    'skip-train': { type: 'boolean', default: false },
    'ood-only': { type: 'boolean', default: false },
    data: { type: 'string' },
    threads: { type: 'string', default: '1' },
  },
});

const t0 = performance.now();
const problem = pythonProblem();
if (problem) {
  console.error(`${problem}\ninstall: apt-get install -y python3-xgboost python3-sklearn python3-onnx`);
  process.exit(1);
}
const config = JSON.parse(readFileSync(values.config, 'utf8')) as TrainingConfig;
const dataOut = join(values.work, 'data');
if (values['ood-only']) {
  runTrainPy({
    data: dataOut,
    config: values.config,
    out: values.out,
    work: values.work,
    oodOnly: true,
    inherit: true,
  });
} else if (!values['skip-train']) {
  if (!values['skip-export']) exportFeatures(config, values.data ?? defaultCandlesDir(), dataOut);
  runTrainPy({
    data: dataOut,
    config: values.config,
    out: values.out,
    work: values.work,
    threads: Number(values.threads),
    inherit: true,
  });
}

const ensemble = await loadPriceEnsembleFromDir(values.out);
const parity = await checkParity(ensemble, values.work);
const runtime = `onnxruntime-web ${ort.env.versions.web ?? '?'} wasm, Node ${process.version}`;
console.log(`[parity] ${parity.rows} rows, max relative difference ${parity.worst.toExponential(2)} (${runtime})`);
for (const [k, v] of Object.entries(parity.maxRelDiff)) console.log(`  ${k}: ${v.toExponential(2)}`);
writeFileSync(join(values.work, 'parity-result.json'), JSON.stringify({ ...parity, runtime }, null, 1));
if (!(parity.worst <= PARITY_TOLERANCE)) {
  console.error(`ONNX parity failed: ${parity.worst} > ${PARITY_TOLERANCE}`);
  process.exit(1);
}
if (!values['no-manifest']) {
  const reportPath = join(values.work, 'report.json');
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Record<string, unknown>;
  // the foreign files through the shipped runtime (adaptive calibration included), as the acceptance scores them
  const foreign = await evaluateFiles(values.out, foreignFiles(config, values.data ?? defaultCandlesDir()));
  (report['metrics'] as Record<string, unknown>)['foreign_adaptive'] = foreign;
  for (const [file, perH] of Object.entries(foreign)) {
    for (const [h, m] of Object.entries(perH))
      console.log(
        `[foreign] ${file} h=${h}: rows ${m.rows} coverage ${m.coverage_80.toFixed(3)} claimed ${m.claimed_share.toFixed(2)} ic ${m.claimed_ic?.toFixed(4) ?? '—'} cal ${m.claimed_calibration_error?.toFixed(3) ?? '—'} rmse ${m.claimed_rmse_ratio?.toFixed(4) ?? '—'} reversal ${m.reversal_ic?.toFixed(4) ?? '—'} ood ${m.ood_rate.toFixed(3)}`,
      );
  }
  writeFileSync(reportPath, JSON.stringify(report, null, 1));
  if (!values['skip-train'] && !values['ood-only']) {
    // wall time of the whole pipeline (export + training + conversion + parity), kept for later --skip-train runs
    report['train_seconds'] = Math.round((performance.now() - t0) / 100) / 10;
    writeFileSync(reportPath, JSON.stringify(report, null, 1));
  }
  updateManifest(
    values.manifest,
    manifestEntry(report, values.out, modelsDirName(values.out), [parityCheck(parity, runtime)]),
  );
  console.log(`[manifest] models.price_ensemble -> ${values.manifest}`);
}
await ensemble.dispose();
console.log(`[done] ${((performance.now() - t0) / 1000).toFixed(0)} s`);
