// Philox4x32-10 on the device, word for word core-tensor's src/random/philox.ts: word j of the stream
// (key0, key1) from block `offset` is lane j % 4 of block offset + j / 4 (a 64-bit counter in c0/c1).
// Dropout keeps element j when word j / 2^32 >= rate (compared in double, as the host does), so a
// mask made here equals the host reference bit for bit.
#pragma once

#include "common.cuh"

__device__ __forceinline__ uint4 philox4x32_10(unsigned long long counter, unsigned key0, unsigned key1) {
  unsigned c0 = (unsigned)counter, c1 = (unsigned)(counter >> 32), c2 = 0u, c3 = 0u;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += 0x9e3779b9u;
      key1 += 0xbb67ae85u;
    }
    const unsigned hi0 = __umulhi(0xd2511f53u, c0), lo0 = 0xd2511f53u * c0;
    const unsigned hi1 = __umulhi(0xcd9e8d57u, c2), lo1 = 0xcd9e8d57u * c2;
    c0 = hi1 ^ c1 ^ key0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ key1;
    c3 = lo0;
  }
  return make_uint4(c0, c1, c2, c3);
}

// Whether dropout keeps each of the 4 elements 4q .. 4q + 3.
struct Keep4 {
  bool k[4];
};

__device__ __forceinline__ Keep4 dropout_keep4(long long q, double rate, unsigned key0, unsigned key1,
                                               long long offset) {
  const uint4 w = philox4x32_10((unsigned long long)(offset + q), key0, key1);
  const double unit = 2.3283064365386963e-10;  // 2^-32
  Keep4 r;
  r.k[0] = (double)w.x * unit >= rate;
  r.k[1] = (double)w.y * unit >= rate;
  r.k[2] = (double)w.z * unit >= rate;
  r.k[3] = (double)w.w * unit >= rate;
  return r;
}
