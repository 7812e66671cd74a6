import { describe, expect, it } from 'vitest';
import { BACKEND_TOLERANCE, chooseBackend, type BackendTrial } from '../../../src/core/models/backend-choice';

const trial = (backend: BackendTrial['backend'], ms: number | null, diff: number | null, error: string | null = null) =>
  ({ backend, ms, maxAbsDiff: diff, error }) satisfies BackendTrial;

describe('chooseBackend (backend choice by measurement)', () => {
  it('keeps the fastest backend whose outputs match the reference and says why', () => {
    const d = chooseBackend([
      trial('webgpu', 40.2, 2e-7),
      trial('webgl', null, null, 'webgl backend is not available here'),
      trial('wasm', 0.61, 0),
      trial('cpu', 2.94, 0),
    ]);
    expect(d.chosen).toBe('wasm');
    expect(d.ranked).toEqual(['wasm', 'cpu', 'webgpu']);
    expect(d.reason).toBe('wasm: 0.61 ms vs cpu 2.9 ms, webgpu 40 ms');
    expect(d.rejected.webgl).toMatch(/not available/);
  });

  it('rejects a backend whose outputs differ from the reference, even when it is the fastest', () => {
    const d = chooseBackend([trial('webgpu', 0.2, 3e-3), trial('wasm', 0.6, 5e-6), trial('cpu', 3, 0)]);
    expect(d.chosen).toBe('wasm');
    expect(d.ranked).not.toContain('webgpu');
    expect(d.rejected.webgpu).toMatch(/differ from the cpu reference by 3\.0e-3/);
    expect(d.reason).toMatch(/^wasm: 0\.60 ms vs cpu 3\.0 ms; webgpu rejected: outputs differ/);
  });

  it('draws the line at the tolerance (1e-4) and treats NaN as a mismatch', () => {
    expect(BACKEND_TOLERANCE).toBe(1e-4);
    expect(chooseBackend([trial('webgl', 1, 1e-4), trial('cpu', 2, 0)]).chosen).toBe('webgl');
    expect(chooseBackend([trial('webgl', 1, 1.01e-4), trial('cpu', 2, 0)]).chosen).toBe('cpu');
    expect(chooseBackend([trial('webgl', 1, NaN), trial('cpu', 2, 0)]).chosen).toBe('cpu');
  });

  it('breaks timing ties by the preference order and reports the only usable backend', () => {
    expect(chooseBackend([trial('wasm', 1, 0), trial('cpu', 1, 0)]).chosen).toBe('wasm');
    expect(chooseBackend([trial('webgpu', null, null, 'no adapter'), trial('cpu', 3, 0)]).reason).toBe(
      'cpu: 3.0 ms (the only usable backend)',
    );
  });

  it('chooses nothing when no backend matches, naming each reason', () => {
    const d = chooseBackend([trial('webgpu', 1, 0.5), trial('cpu', null, null, 'cpu failed')]);
    expect(d.chosen).toBeNull();
    expect(d.ranked).toEqual([]);
    expect(d.reason).toMatch(/^no backend matched the reference \(webgpu: outputs differ .*; cpu: cpu failed\)$/);
  });
});
