/**
 * MurmurHash64A as Redis' `hyperloglog.c` uses it for PFADD: seed 0xadc83b19, the key read as
 * little-endian 8-byte blocks, then the fall-through tail. Every visitor id of every hit goes
 * through here, so the 64-bit arithmetic is done on int32 halves held in locals (Math.imul plus
 * an exact 32x32 high word); BigInt, or a helper returning a pair, would allocate on every step.
 */

/** The seed Redis passes to MurmurHash64A in `hllPatLen`. */
export const REDIS_HLL_SEED = 0xadc83b19;

// m = 0xc6a4a7935bd1e995 as 32-bit halves, and the low half as 16-bit quarters.
const M_HI = 0xc6a4a793 | 0;
const M_LO = 0x5bd1e995;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;

/**
 * High 32 bits of the unsigned 64-bit product `lo * M_LO` (the low 32 bits are Math.imul's).
 * 16-bit partial products stay below 2^53, so plain doubles carry them exactly.
 */
function mulHiLo(lo: number): number {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const p10 = a1 * M_LO_0;
  const p01 = a0 * M_LO_1;
  const carry = (((a0 * M_LO_0) >>> 16) + (p10 & 0xffff) + (p01 & 0xffff)) >>> 16;
  return a1 * M_LO_1 + (p10 >>> 16) + (p01 >>> 16) + carry;
}

// (hi:lo) * m mod 2^64 is, with lo' = imul(lo, M_LO):
//   hi' = mulHiLo(lo) + imul(lo, M_HI) + imul(hi, M_LO)   (mod 2^32)
// written out at each use below because V8 keeps it all in registers that way (~2.7x faster than
// a helper passing the pair back through module variables).

/**
 * Hashes `key[0, length)` (default: all of it) with Redis' MurmurHash64A and writes the result
 * into `out` as two uint32 halves: `out[0]` = high 32 bits, `out[1]` = low 32 bits.
 * `length` lets callers hash a prefix of a reusable scratch buffer.
 */
export function murmurHash64A(
  key: Uint8Array,
  out: Uint32Array,
  length: number = key.length,
  seed: number = REDIS_HLL_SEED,
): Uint32Array {
  // h = seed ^ (len * m); len is a non-negative int, so its high half is 0.
  let hi = (mulHiLo(length) + Math.imul(length, M_HI)) | 0;
  let lo = Math.imul(length, M_LO) ^ seed;
  let t: number;

  const blockEnd = length - (length & 7);
  let i = 0;
  for (; i < blockEnd; i += 8) {
    let kLo = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    let kHi = key[i + 4]! | (key[i + 5]! << 8) | (key[i + 6]! << 16) | (key[i + 7]! << 24);
    t = (mulHiLo(kLo) + Math.imul(kLo, M_HI) + Math.imul(kHi, M_LO)) | 0;
    kLo = Math.imul(kLo, M_LO);
    kHi = t;
    // k ^= k >> 47: only the top 17 bits move, into the low half.
    kLo ^= kHi >>> 15;
    t = (mulHiLo(kLo) + Math.imul(kLo, M_HI) + Math.imul(kHi, M_LO)) | 0;
    kLo = Math.imul(kLo, M_LO);
    hi ^= t;
    lo ^= kLo;
    t = (mulHiLo(lo) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) | 0;
    lo = Math.imul(lo, M_LO);
    hi = t;
  }

  const tail = length & 7;
  if (tail !== 0) {
    // The C switch falls through from case 7 down to case 1: every tail byte is mixed in.
    if (tail >= 7) hi ^= key[i + 6]! << 16;
    if (tail >= 6) hi ^= key[i + 5]! << 8;
    if (tail >= 5) hi ^= key[i + 4]!;
    if (tail >= 4) lo ^= key[i + 3]! << 24;
    if (tail >= 3) lo ^= key[i + 2]! << 16;
    if (tail >= 2) lo ^= key[i + 1]! << 8;
    lo ^= key[i]!;
    t = (mulHiLo(lo) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) | 0;
    lo = Math.imul(lo, M_LO);
    hi = t;
  }

  lo ^= hi >>> 15;
  t = (mulHiLo(lo) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) | 0;
  lo = Math.imul(lo, M_LO);
  out[0] = t;
  out[1] = lo ^ (t >>> 15);
  return out;
}
