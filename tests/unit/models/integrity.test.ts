/**
 * Models fail closed (issue #15 item 3): every artifact is checked against the SHA-256 in
 * public/models/manifest.json; an unreadable manifest, a schema mismatch, a missing checksum or a changed file
 * leaves that model "not loaded" with the reason, and no signal comes from it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeModels } from '../../../src/cli/models';
import { InsightPipeline, modelStatusOf, type PipelineModels } from '../../../src/core/insights/pipeline';
import type { Insight } from '../../../src/core/insights/types';
import {
  ModelIntegrityError,
  parseModelManifest,
  verifiedReader,
  type ModelFileHooks,
} from '../../../src/core/models/integrity';
import { browserModelFiles } from '../../../src/core/models/integrity-browser';
import {
  DEFAULT_MODELS_DIR,
  nodeModelFiles,
  rewriteManifestChecksums,
  sha256Node,
} from '../../../src/core/models/integrity-node';
import { mulberry32 } from '../../../src/core/util/random';
import { hasCandleData, loadCandles } from '../../helpers/data';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const CANDLES = 'binance_BTCUSDT_15m_2023-04_2024-04.csv';
const dirs: string[] = [];

/** The parts of manifest.json these tests edit. */
interface ModelEntry {
  artifacts?: { file: string; bytes: number; sha256?: string }[];
  metrics?: { held_out_period?: unknown };
  [k: string]: unknown;
}
interface Manifest {
  schema: number;
  models: Record<string, ModelEntry>;
}

/** A private copy of public/models to break. */
function copyModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'candlecast-models-'));
  dirs.push(dir);
  cpSync(DEFAULT_MODELS_DIR, dir, { recursive: true });
  return dir;
}

function editManifest(dir: string, edit: (m: Manifest) => void): void {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  edit(m);
  writeFileSync(path, JSON.stringify(m));
}

async function insightWith(models: PipelineModels): Promise<Insight> {
  const pipeline = new InsightPipeline({ exchange: 'binance', symbol: 'BTCUSDT', timeframe: '15m' }, models);
  for (const c of loadCandles(CANDLES, 600)) pipeline.update(c);
  return (await pipeline.insight())!;
}

function dispose(models: PipelineModels): void {
  (models.cnn as { dispose?: () => void } | null)?.dispose?.();
  void (models.price as { dispose?: () => Promise<void> } | null)?.dispose?.();
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('shipped models', () => {
  it('every artifact matches its manifest checksum, so both models load', async () => {
    const models = await loadNodeModels();
    try {
      expect(modelStatusOf(models)).toMatchObject({ models_loaded: true, error: null });
      expect(models.manifest).not.toBeNull();
    } finally {
      dispose(models);
    }
  });
});

describe.skipIf(!hasCandleData)('fail closed', () => {
  it('a garbage manifest: neither model loaded, the reason in model_status, no prediction signal', async () => {
    const dir = copyModels();
    writeFileSync(join(dir, 'manifest.json'), '{garbage\n');
    const models = await loadNodeModels(dir);
    const insight = await insightWith(models);
    expect(insight.model_status).toMatchObject({
      pattern_cnn_loaded: false,
      price_predictor_loaded: false,
      models_loaded: false,
    });
    expect(insight.model_status.error).toBe(
      'pattern CNN not loaded: models/manifest.json is not valid JSON; price predictor not loaded: models/manifest.json is not valid JSON',
    );
    expect(insight.price_predictions).toEqual({});
    expect(insight.patterns.probabilities).toBeNull();
    expect(insight.signals.filter((s) => s.source.startsWith('prediction'))).toEqual([]);
  });

  it('40% of the CNN weights replaced by other valid floats: the CNN is not loaded, the price model is', async () => {
    const dir = copyModels();
    const path = join(dir, 'pattern-cnn', 'weights.bin');
    const bytes = readFileSync(path);
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const random = mulberry32(15);
    let replaced = 0;
    for (let i = 0; i < floats.length; i++) {
      if (random() < 0.4) {
        floats[i] = (random() - 0.5) * 0.2; // finite, plausible weights: only the checksum can tell
        replaced++;
      }
    }
    expect(replaced / floats.length).toBeGreaterThan(0.39);
    writeFileSync(path, bytes);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      models: { pattern_cnn: { artifacts: { file: string; sha256: string }[] } };
    };
    const shipped = manifest.models.pattern_cnn.artifacts.find((a) => a.file === 'pattern-cnn/weights.bin')!.sha256;
    const models = await loadNodeModels(dir);
    try {
      const status = modelStatusOf(models);
      expect(status).toMatchObject({ pattern_cnn_loaded: false, price_predictor_loaded: true });
      expect(status.error).toMatch(
        new RegExp(
          `^pattern CNN not loaded: pattern-cnn/weights\\.bin: SHA-256 [0-9a-f]{12}… does not match the manifest's ${shipped.slice(0, 12)}… \\(file changed\\)$`,
        ),
      );
      const insight = await insightWith(models);
      expect(insight.patterns.probabilities).toBeNull();
    } finally {
      dispose(models);
    }
  });

  it('a truncated ONNX file, a manifest without checksums, another schema, an ensemble without its claims', async () => {
    const onnx = copyModels();
    const f = join(onnx, 'price-ensemble', 'xgboost_h5.onnx');
    writeFileSync(f, readFileSync(f).subarray(0, 1000));
    const a = await loadNodeModels(onnx);
    expect(a.priceError).toMatch(
      /price-ensemble\/xgboost_h5\.onnx: 1000 bytes, the manifest says \d+ \(file changed or truncated\)$/,
    );
    expect(a.cnn).not.toBeNull();
    dispose(a);

    const noSums = copyModels();
    editManifest(noSums, (m) => {
      for (const e of m.models['price_ensemble']!.artifacts!) delete e.sha256;
      delete m.models['pattern_cnn']!.artifacts;
    });
    const b = await loadNodeModels(noSums);
    expect(b.cnnError).toBe('models/manifest.json: pattern_cnn lists no artifacts');
    expect(b.priceError).toBe('models/manifest.json: no SHA-256 recorded for price-ensemble/hist_gbdt_h1.onnx');

    const schema = copyModels();
    editManifest(schema, (m) => (m.schema = 2));
    const c = await loadNodeModels(schema);
    expect([c.cnn, c.price, c.cnnError]).toEqual([
      null,
      null,
      'models/manifest.json has schema 2, this app reads schema 1',
    ]);

    // The claims that gate the price signals live in price-ensemble.json: without them (checksums rewritten, so
    // only the content is wrong) the ensemble is refused instead of claiming every horizon.
    const noClaims = copyModels();
    const params = join(noClaims, 'price-ensemble', 'price-ensemble.json');
    const json = JSON.parse(readFileSync(params, 'utf8')) as Record<string, unknown>;
    delete json['claims'];
    writeFileSync(params, JSON.stringify(json));
    rewriteManifestChecksums(noClaims);
    const d = await loadNodeModels(noClaims);
    expect(d.price).toBeNull();
    expect(d.priceError).toMatch(/claims/);
    expect(d.cnn).not.toBeNull();
    dispose(d);
  });
});

describe('verifiedReader', () => {
  const manifest = parseModelManifest(readFileSync(join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8'));
  it('hands out only files the manifest lists', async () => {
    const read = verifiedReader(manifest, 'pattern_cnn', nodeModelFiles());
    expect((await read('model.json')).byteLength).toBe(
      statSync(join(DEFAULT_MODELS_DIR, 'pattern-cnn', 'model.json')).size,
    );
    await expect(read('../manifest.json')).rejects.toThrow(ModelIntegrityError);
    await expect(read('extra-weights.bin')).rejects.toThrow(
      'pattern-cnn/extra-weights.bin is not listed in models/manifest.json',
    );
  });
  it('the browser hooks (fetch + Web Crypto) read and hash like the Node hooks', async () => {
    const server: Server = createServer((req, res) => {
      try {
        res.end(readFileSync(join(DEFAULT_MODELS_DIR, decodeURIComponent(new URL(req.url!, 'http://x').pathname))));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const hooks: ModelFileHooks = browserModelFiles(
        `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
      );
      const bytes = await hooks.read('pattern-cnn/weights.bin');
      expect(await hooks.sha256(bytes)).toBe(sha256Node(bytes));
      await expect(verifiedReader(manifest, 'pattern_cnn', hooks)('weights.bin')).resolves.toHaveLength(bytes.length);
      await expect(hooks.read('nope.bin')).rejects.toThrow(/nope\.bin: HTTP 404$/);
    } finally {
      server.close();
    }
  });
});

describe('npm run models:checksums', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyModels();
    const w = join(dir, 'pattern-cnn', 'weights.bin');
    const bytes = readFileSync(w);
    bytes[100] = bytes[100]! ^ 0xff; // a changed file...
    writeFileSync(w, bytes);
    editManifest(dir, (m) => {
      for (const e of m.models['price_ensemble']!.artifacts!) delete e.sha256; // ...and checksums missing
    });
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['training/checksums.ts', '--models', dir], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
  });
  it('records size and SHA-256 (as sha256sum computes it) of every file, keeping the rest of the manifest', () => {
    const after = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const before = JSON.parse(readFileSync(join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8')) as Manifest;
    for (const key of ['pattern_cnn', 'price_ensemble']) {
      const files = after.models[key]!.artifacts!;
      expect(files.length).toBeGreaterThan(1);
      for (const a of files) {
        const path = join(dir, a.file);
        expect(a.sha256).toBe(execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]);
        expect(a.bytes).toBe(statSync(path).size);
      }
      const { artifacts: _a, ...restAfter } = after.models[key]!;
      const { artifacts: _b, ...restBefore } = before.models[key]!;
      expect(restAfter).toEqual(restBefore);
    }
  });
  it('after which both models load again', async () => {
    const models = await loadNodeModels(dir);
    try {
      expect(modelStatusOf(models).models_loaded).toBe(true);
    } finally {
      dispose(models);
    }
  });
});
