import { describe, expect, it } from 'vitest';
import { createCudaProvider, CUDA_PROVIDER_PRIORITY } from './cuda-provider.js';

describe('cuda provider', () => {
  it('ranks above tensorflow, wasm and cpu', () => {
    const provider = createCudaProvider();
    expect(provider.name).toBe('cuda');
    expect(CUDA_PROVIDER_PRIORITY).toBeGreaterThan(300);
  });

  it('loads where CUDA is, and says why not elsewhere', async () => {
    const result = await createCudaProvider().load();
    if (result.ok) return;
    console.log(`cuda not available here: ${result.reason}`);
    expect(result.reason).toMatch(/libcuda\.so\.1|libcublasLt\.so\.13|kernels|koffi|CUDA device/);
  });

  it('rejects an unknown matmul precision before touching the driver', async () => {
    await expect(createCudaProvider({ env: { MEDGPT_CUDA_MATMUL: 'fp16' } }).load()).rejects.toThrow(
      "MEDGPT_CUDA_MATMUL: expected one of fp32, tf32, bf16, got 'fp16'",
    );
    await expect(createCudaProvider({ matmulPrecision: 'half' as never, env: {} }).load()).rejects.toThrow(
      /matmulPrecision: expected one of fp32, tf32, bf16/,
    );
  });

  it('rejects a malformed device option before touching the driver', async () => {
    await expect(createCudaProvider({ device: 'first', env: {} }).load()).rejects.toThrow(/--device/);
  });
});
