/**
 * A HyperLogLog that is bit-for-bit Redis' own (`hyperloglog.c`, Redis ≥ 5 estimator): the same
 * hash, register layout, header and cardinality estimate, so a sketch built here can be SET into
 * Redis and PFCOUNTed/PFADDed there, and one read from Redis with GET can be counted or merged here.
 */
import { murmurHash64A } from './murmur-hash-64a.js';

const HLL_P = 14;
const HLL_Q = 64 - HLL_P;
const HLL_REGISTERS = 1 << HLL_P;
const HLL_HDR_SIZE = 16;
const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8;
const HLL_DENSE = 0;
const HLL_SPARSE = 1;
const CARD_OFFSET = 8;
/** Set in the last byte of the cached cardinality: "stale, recompute". */
const CARD_STALE = 0x80;
const HLL_ALPHA_INF = 0.721347520444481703680;
const TWO_32 = 0x1_0000_0000;

// Scratch shared by all instances: add() and count() are synchronous and never re-enter.
const hash = new Uint32Array(2);
const histogram = new Int32Array(64);
const utf8 = new TextEncoder();
let scratch = new Uint8Array(256);

/** HLL_DENSE_GET_REGISTER on registers stored after the header. */
function getRegister(p: Uint8Array, reg: number): number {
  const byte = HLL_HDR_SIZE + ((reg * 6) >>> 3);
  const fb = (reg * 6) & 7;
  return ((p[byte]! >>> fb) | (p[byte + 1]! << (8 - fb))) & 63;
}

/** HLL_DENSE_SET_REGISTER; like Redis, it touches the byte after the last register. */
function setRegister(p: Uint8Array, reg: number, value: number): void {
  const byte = HLL_HDR_SIZE + ((reg * 6) >>> 3);
  const fb = (reg * 6) & 7;
  p[byte] = (p[byte]! & ~(63 << fb)) | (value << fb);
  p[byte + 1] = (p[byte + 1]! & ~(63 >>> (8 - fb))) | (value >>> (8 - fb));
}

/** Ertl's sigma (arXiv:1702.01284), in Redis' operation order so every double rounds alike. */
function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1, z = x, zPrime: number;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/**
 * Ertl's tau. Redis writes `pow(1 - x, 2)`, but gcc folds that into one multiply (checked in
 * redis-server 7.0's machine code); a real glibc pow would differ in the last bit now and then.
 */
function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1, z = 1 - x, zPrime: number;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Redis-compatible HyperLogLog (P = 14: 16,384 six-bit registers, Redis' dense encoding). */
export class HyperLogLog {
  /** `bytes`: header, packed registers, and a spare byte for setRegister on the last register. */
  private constructor(private readonly bytes: Buffer) {}

  /** An empty sketch; its cached cardinality is a valid 0, as in a fresh Redis key. */
  static create(): HyperLogLog {
    const bytes = Buffer.alloc(HLL_DENSE_SIZE + 1);
    bytes.write('HYLL', 'latin1'); // byte 4, the encoding, stays 0: HLL_DENSE
    return new HyperLogLog(bytes);
  }

  /**
   * Adds an element (a string is hashed as its UTF-8 bytes, as PFADD receives it).
   * @returns true when a register changed, i.e. when PFADD would have answered 1.
   */
  add(element: string | Uint8Array): boolean {
    if (typeof element === 'string') {
      // At most 3 UTF-8 bytes per UTF-16 unit; reusing scratch keeps the hot path allocation-free.
      if (element.length * 3 > scratch.length) scratch = new Uint8Array(element.length * 3);
      murmurHash64A(scratch, hash, utf8.encodeInto(element, scratch).written);
    } else {
      murmurHash64A(element, hash);
    }
    const hi = hash[0]!, lo = hash[1]!;
    const index = lo & (HLL_REGISTERS - 1);
    // hllPatLen: 1 + trailing zeros of (hash >> 14 | 1 << 50); the 18 hash bits left in the low
    // half come first, then the high half, and the 1 << 50 sentinel caps the count at 51.
    const low18 = lo >>> HLL_P;
    const count =
      low18 !== 0 ? 32 - Math.clz32(low18 & -low18)
      : hi !== 0 ? 32 - HLL_P + 32 - Math.clz32(hi & -hi)
      : HLL_Q + 1;
    if (count <= getRegister(this.bytes, index)) return false;
    setRegister(this.bytes, index, count);
    this.bytes[CARD_OFFSET + 7]! |= CARD_STALE;
    return true;
  }

  /** The estimate PFCOUNT gives for the same registers; cached in the header until the next change. */
  count(): number {
    const p = this.bytes;
    if ((p[CARD_OFFSET + 7]! & CARD_STALE) === 0) {
      return p.readUInt32LE(CARD_OFFSET + 4) * TWO_32 + p.readUInt32LE(CARD_OFFSET);
    }
    histogram.fill(0);
    // Four registers per three bytes, as Redis' unrolled hllDenseRegHisto.
    for (let i = HLL_HDR_SIZE; i < HLL_DENSE_SIZE; i += 3) {
      const b0 = p[i]!, b1 = p[i + 1]!, b2 = p[i + 2]!;
      histogram[b0 & 63]!++;
      histogram[((b0 >>> 6) | (b1 << 2)) & 63]!++;
      histogram[((b1 >>> 4) | (b2 << 4)) & 63]!++;
      histogram[b2 >>> 2]!++;
    }
    const m = HLL_REGISTERS;
    let z = m * hllTau((m - histogram[HLL_Q + 1]!) / m);
    for (let j = HLL_Q; j >= 1; --j) z = (z + histogram[j]!) * 0.5;
    z += m * hllSigma(histogram[0]! / m);
    // llroundl rounds halves away from zero; for the non-negative values here Math.round agrees.
    const card = Math.round((HLL_ALPHA_INF * m * m) / z);
    p.writeUInt32LE(card % TWO_32, CARD_OFFSET);
    p.writeUInt32LE(Math.floor(card / TWO_32), CARD_OFFSET + 4);
    return card;
  }

  /** Takes the register-wise maximum with `other`, as PFMERGE does (which always marks the cache stale). */
  merge(other: HyperLogLog): void {
    for (let reg = 0; reg < HLL_REGISTERS; reg++) {
      const theirs = getRegister(other.bytes, reg);
      if (theirs > getRegister(this.bytes, reg)) setRegister(this.bytes, reg, theirs);
    }
    this.bytes[CARD_OFFSET + 7]! |= CARD_STALE;
  }

  /** True when no element was ever added (every register is 0). */
  isEmpty(): boolean {
    const p = this.bytes;
    for (let i = HLL_HDR_SIZE; i < HLL_DENSE_SIZE; i++) if (p[i] !== 0) return false;
    return true;
  }

  /**
   * The dense Redis string (12,304 bytes) for `SET key`. The cardinality is computed first and
   * cached in the header, as Redis leaves it after PFCOUNT, so PFCOUNT on the stored key is O(1).
   */
  toRedisBytes(): Buffer {
    this.count();
    return Buffer.from(this.bytes.subarray(0, HLL_DENSE_SIZE));
  }

  /** Base64 of {@link toRedisBytes}, for storage that only takes text. */
  toBase64(): string {
    return this.toRedisBytes().toString('base64');
  }

  /**
   * Reads a Redis HyperLogLog string (what `GET key` returns): dense or sparse.
   * The cached cardinality is kept, as Redis keeps it when it converts sparse to dense.
   * @throws Error naming the defect when the bytes are not a valid Redis HyperLogLog.
   */
  static fromRedisBytes(bytes: Uint8Array): HyperLogLog {
    if (bytes.length < HLL_HDR_SIZE) invalid(`${bytes.length} bytes, shorter than the 16-byte header`);
    if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== 'HYLL') invalid('bad magic, not "HYLL"');
    const hll = HyperLogLog.create();
    const encoding = bytes[4];
    if (encoding === HLL_DENSE) {
      if (bytes.length !== HLL_DENSE_SIZE) invalid(`dense, ${bytes.length} bytes, not ${HLL_DENSE_SIZE}`);
      hll.bytes.set(bytes.subarray(HLL_HDR_SIZE), HLL_HDR_SIZE);
    } else if (encoding === HLL_SPARSE) {
      decodeSparse(bytes, hll.bytes);
    } else {
      invalid(`unknown encoding ${encoding}`);
    }
    hll.bytes.set(bytes.subarray(CARD_OFFSET, HLL_HDR_SIZE), CARD_OFFSET);
    return hll;
  }

  /** Inverse of {@link toBase64}; refuses text that is not base64 or not a HyperLogLog. */
  static fromBase64(s: string): HyperLogLog {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) invalid('input is not base64');
    return HyperLogLog.fromRedisBytes(Buffer.from(s, 'base64'));
  }
}

/** Throws the error fromRedisBytes/fromBase64 promise, naming the defect. */
function invalid(why: string): never {
  throw new Error(`not a valid Redis HyperLogLog: ${why}`);
}

/** Expands Redis' sparse opcodes (ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx) into `dense`. */
function decodeSparse(src: Uint8Array, dense: Uint8Array): void {
  let reg = 0;
  let i = HLL_HDR_SIZE;
  while (i < src.length) {
    const at = i;
    const op = src[i++]!;
    let run: number;
    let value = 0;
    if ((op & 0xc0) === 0) {
      run = (op & 0x3f) + 1;
    } else if ((op & 0xc0) === 0x40) {
      if (i >= src.length) invalid(`sparse XZERO cut short at byte ${at}`);
      run = (((op & 0x3f) << 8) | src[i++]!) + 1;
    } else {
      run = (op & 0x3) + 1;
      value = ((op >>> 2) & 0x1f) + 1;
    }
    if (reg + run > HLL_REGISTERS) invalid(`sparse opcode at byte ${at} runs past register ${HLL_REGISTERS}`);
    if (value === 0) reg += run;
    else for (const end = reg + run; reg < end; reg++) setRegister(dense, reg, value);
  }
  if (reg !== HLL_REGISTERS) invalid(`sparse opcodes cover ${reg} of ${HLL_REGISTERS} registers`);
}
