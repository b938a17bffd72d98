import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { CUBLASLT_PROTOTYPES } from './cublaslt-api.js';
import { DRIVER_PROTOTYPES } from './driver-api.js';

// koffi parses a prototype without loading any library, so the declarations are checked on machines
// without CUDA too (a typo would otherwise only show on a GPU machine).
describe('FFI prototypes', () => {
  it.each(Object.entries({ ...DRIVER_PROTOTYPES, ...CUBLASLT_PROTOTYPES }))(
    '%s parses',
    (name, prototype) => {
      const parsed = koffi.proto(prototype);
      expect(parsed.proto?.name ?? parsed.name).toMatch(new RegExp(`^${name}(_v2)?$`));
    },
  );

  it('uses the versioned driver symbols cuda.h maps the plain names to', () => {
    for (const name of [
      'cuMemGetInfo',
      'cuMemcpyHtoDAsync',
      'cuMemcpyDtoHAsync',
      'cuStreamDestroy',
      'cuEventDestroy',
    ] as const) {
      expect(DRIVER_PROTOTYPES[name]).toContain(`${name}_v2(`);
    }
  });
});
