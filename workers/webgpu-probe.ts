import type { WebGpuInfo } from './engine-api';

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface GpuLike {
  requestAdapter(): Promise<{
    info?: GpuAdapterInfoLike;
    requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
  } | null>;
}

/** Asks the platform for a WebGPU adapter and describes it; never throws. */
export async function probeWebGpu(): Promise<WebGpuInfo> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, adapter: null, error: 'navigator.gpu is not available' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, adapter: null, error: 'no WebGPU adapter was returned' };
    const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    const parts = [info.vendor, info.architecture, info.device, info.description].filter((p) => p && p.length > 0);
    return { available: true, adapter: parts.length > 0 ? parts.join(' / ') : 'unnamed adapter', error: null };
  } catch (err) {
    return { available: false, adapter: null, error: err instanceof Error ? err.message : String(err) };
  }
}
