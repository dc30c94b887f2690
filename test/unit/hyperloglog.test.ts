/**
 * The HyperLogLog must be indistinguishable from Redis' own: same hash, same registers, same bytes,
 * same PFCOUNT. The hash vectors below were computed once by a C program implementing Redis'
 * MurmurHash64A/hllPatLen (gcc) and spot-checked against redis-server 7.0 (PFADD one element into
 * an empty key, GET it, decode the register); the rest is checked live against a redis-server of
 * our own.
 *
 * Timing (2-core dev machine, Node 20): the 1,000,000-element accuracy loop takes 0.15-0.3 s
 * (MurmurHash64A alone: ~40-70 ns per 20-40 byte id); the whole file ~1 s in mocha, ~2 s wall clock
 * with tsx and redis-server start-up. The loop is asserted under 3 s so a slow hash path gets noticed.
 */
import { strict as assert } from 'node:assert';
import { Redis } from 'ioredis';
import { HyperLogLog } from '../../src/store/hll/hyperloglog.js';
import { murmurHash64A } from '../../src/store/hll/murmur-hash-64a.js';
import { startRedis, type RedisProcess } from '../support/redis-server.js';

const REGISTERS = 16384;
const DENSE_SIZE = 16 + 12288;

/** [input as hex ('' = empty), MurmurHash64A seed 0xadc83b19 as hex, register index, run length]. */
const VECTORS: ReadonlyArray<readonly [string, string, number, number]> = [
  ['', 'd8dfea6585bc9732', 5938, 2],
  ['61', '53d2470a9b43b1a7', 12711, 2], // "a" (also seen in redis-server: XZERO 12711, VAL 2)
  ['6162', '0eaed676437142cf', 719, 1],
  ['616263', '77ec90aeb374e502', 9474, 1],
  ['61626364', 'b079ee3d44202b3e', 11070, 8],
  ['6162636465', '52a7daa2324a0e8e', 3726, 4],
  ['616263646566', '3a4f3a74f538b54f', 13647, 2],
  ['61626364656667', '22fe613bb08c9602', 5634, 2],
  ['6162636465666768', 'f3a65df559914567', 1383, 1],
  ['616263646566676869', '834fba4d9152daf7', 6903, 1],
  ['6162636465666768696a6b6c6d6e6f', '10350863b35a3059', 12377, 4],
  ['6162636465666768696a6b6c6d6e6f70', 'd006e2f88c34e470', 9328, 1],
  ['6162636465666768696a6b6c6d6e6f7071', '876ed29fb39e50af', 4271, 1],
  ['76697369746f722d3432', '13acb4705426f47d', 13437, 1], // "visitor-42"
  ['c3a9', 'c04c1ab091cd7429', 13353, 1], // "é"
  ['e697a5e69cace8aa9e', '6bc739e1cf7990a9', 4265, 2], // "日本語"
  ['f09f918bf09f8fbd', '0387920759784769', 1897, 1], // "👋🏽"
  ['39663163326434652d376237612d346333652d396135312d306436663365326238633131', '3067f80f8dcb09ba', 2490, 3],
  ['7665632d313030383439', '47e78c1f8000376a', 14186, 18], // "vec-100849": run ends at bit 31
  ['7665632d323038343238', '20256cfb00002f57', 12119, 19], // "vec-208428": run crosses into the high half
  ['7665632d343936333536', '58534a9200003e11', 15889, 20],
  ['7665632d31363432353730323037', 'ec4c000000000ae6', 2790, 37], // > 32: Redis goes dense at once
  ['ffffffffffffff', '920481be77a5d249', 4681, 1],
  ['0000000000000000', '396f86b121d9c351', 849, 1],
  ['808182838485868788898a8b8c8d8e8f90', 'd6ec355674e7c341', 833, 1],
];

/** Registers of a dense Redis string, decoded bit by bit (independently of the code under test). */
function registersOf(bytes: Uint8Array): Uint8Array {
  const regs = new Uint8Array(REGISTERS);
  for (let bit = 0; bit < REGISTERS * 6; bit++) {
    if ((bytes[16 + (bit >> 3)]! >> (bit & 7)) & 1) regs[Math.floor(bit / 6)]! |= 1 << bit % 6;
  }
  return regs;
}

/** A dense Redis string holding `regs`, with a stale cache so whoever reads it must compute. */
function denseBytes(regs: Uint8Array): Buffer {
  const bytes = Buffer.alloc(DENSE_SIZE);
  bytes.write('HYLL', 'latin1');
  bytes[15] = 0x80;
  for (let bit = 0; bit < REGISTERS * 6; bit++) {
    if ((regs[Math.floor(bit / 6)]! >> bit % 6) & 1) bytes[16 + (bit >> 3)]! |= 1 << (bit & 7);
  }
  return bytes;
}

function assertSameRegisters(actual: Uint8Array, expected: Uint8Array, label: string): void {
  const a = registersOf(actual);
  const e = registersOf(expected);
  const i = a.findIndex((v, j) => v !== e[j]);
  assert.equal(i, -1, `${label}: register ${i} is ${a[i]}, expected ${e[i]}`);
}

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [first code point, range size, share]: ASCII, Latin-1, Greek/Cyrillic, CJK, astral emoji. */
const POOLS = [
  [0x21, 94, 0.6],
  [0xa1, 95, 0.1],
  [0x391, 206, 0.1],
  [0x4e00, 20992, 0.1],
  [0x1f300, 2048, 0.1],
] as const;

function randomIds(count: number, seed: number): string[] {
  const rand = prng(seed);
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const points: number[] = [];
    for (let len = 1 + Math.floor(rand() * 40); len > 0; len--) {
      let r = rand();
      const pool = POOLS.find(([, , share]) => (r -= share) < 0) ?? POOLS[0];
      points.push(pool[0] + Math.floor(rand() * pool[1]));
    }
    ids.push(String.fromCodePoint(...points));
  }
  return ids;
}

describe('HyperLogLog (Redis-compatible)', () => {
  describe('MurmurHash64A and hllPatLen', () => {
    it('matches the reference vectors', () => {
      const out = new Uint32Array(2);
      for (const [input, hash, index, count] of VECTORS) {
        const bytes = Buffer.from(input, 'hex');
        murmurHash64A(bytes, out);
        const hex = (n: number): string => n.toString(16).padStart(8, '0');
        assert.equal(hex(out[0]!) + hex(out[1]!), hash, input);
        const hll = HyperLogLog.create();
        assert.equal(hll.add(bytes), true);
        const regs = registersOf(hll.toRedisBytes());
        assert.equal(regs[index], count, `register of ${input}`);
        assert.equal(regs.filter((v) => v !== 0).length, 1);
      }
    });

    it('hashes a string as its UTF-8 bytes, also past the scratch buffer size', () => {
      for (const s of ['日本語', 'é'.repeat(300), '👋🏽'.repeat(100), 'x\uD800y']) {
        const a = HyperLogLog.create();
        const b = HyperLogLog.create();
        a.add(s);
        b.add(Buffer.from(s, 'utf8'));
        assert.deepEqual(a.toRedisBytes(), b.toRedisBytes(), s.slice(0, 10));
      }
    });
  });

  describe('against a real redis-server', () => {
    let server: RedisProcess;
    let redis: Redis;
    let ids: string[] = [];

    before(async () => {
      ids = randomIds(100_000, 0xf00dfa11);
      server = await startRedis();
      redis = new Redis(server.url, { lazyConnect: true });
      await redis.connect();
    });
    after(async () => {
      redis?.disconnect();
      await server?.stop();
    });

    /** Feeds ids[from, to) to Redis and to `ours`, PFADD by PFADD for the first 1,000 to compare replies. */
    async function feed(key: string, ours: HyperLogLog, from: number, to: number): Promise<void> {
      const pipeline = redis.pipeline();
      const expected: number[] = [];
      for (let i = from; i < to; i += i < 1000 ? 1 : 1000) {
        const chunk = ids.slice(i, i < 1000 ? i + 1 : Math.min(to, i + 1000));
        let changed = false;
        for (const id of chunk) changed = ours.add(id) || changed;
        pipeline.pfadd(key, ...chunk);
        expected.push(changed ? 1 : 0);
      }
      const replies = (await pipeline.exec())!.map(([err, reply]) => (err ? err.message : reply));
      assert.deepEqual(replies, expected, `PFADD replies for ids[${from}, ${to})`);
    }

    it('gives the same PFCOUNT and the same registers, sparse and dense, up to 100,000 ids', async () => {
      const ours = HyperLogLog.create();
      const encodings = new Set<number>();
      let done = 0;
      for (const n of [1, 10, 100, 1000, 10_000, 100_000]) {
        await feed('hll', ours, done, n);
        done = n;
        assert.equal(ours.count(), await redis.pfcount('hll'), `PFCOUNT after ${n}`);
        const raw = (await redis.getBuffer('hll'))!;
        encodings.add(raw[4]!);
        const theirs = HyperLogLog.fromRedisBytes(raw);
        assertSameRegisters(theirs.toRedisBytes(), ours.toRedisBytes(), `GET after ${n}, encoding ${raw[4]}`);
        assert.equal(theirs.count(), ours.count());
        if (raw[4] === 0) assert.deepEqual(raw, ours.toRedisBytes(), `dense bytes after ${n}`);
      }
      assert.deepEqual([...encodings].sort(), [0, 1], 'both encodings were compared');
    });

    it('lets Redis count and extend what we SET, and agrees all along', async () => {
      const ours = HyperLogLog.create();
      await feed('src', ours, 0, 60_000);
      await redis.set('cached', ours.toRedisBytes());
      assert.equal(await redis.pfcount('cached'), ours.count());
      // A stale cache makes Redis recompute from our registers instead of trusting our number.
      const stale = ours.toRedisBytes();
      stale[15]! |= 0x80;
      await redis.set('hll2', stale);
      assert.equal(await redis.pfcount('hll2'), ours.count());
      assert.deepEqual(await redis.getBuffer('hll2'), ours.toRedisBytes(), 'Redis cached the same header');
      let done = 60_000;
      for (const n of [60_001, 61_000, 80_000, 100_000]) {
        await feed('hll2', ours, done, n);
        done = n;
        assert.equal(ours.count(), await redis.pfcount('hll2'), `PFCOUNT after ${n}`);
      }
      assert.deepEqual(await redis.getBuffer('hll2'), ours.toRedisBytes());
    });

    it('agrees with PFMERGE', async () => {
      const [a, b] = [HyperLogLog.create(), HyperLogLog.create()];
      await redis.del('a', 'b');
      await feed('a', a, 0, 30_000);
      await feed('b', b, 20_000, 50_000);
      await redis.pfmerge('ab', 'a', 'b');
      a.merge(b);
      assert.equal(a.count(), await redis.pfcount('ab'));
      assert.deepEqual(await redis.getBuffer('ab'), a.toRedisBytes());
    });

    it('agrees on crafted registers across the estimator domain, 51 and above included', async () => {
      const rand = prng(7);
      for (let round = 0; round < 60; round++) {
        const regs = new Uint8Array(REGISTERS);
        const zeros = rand() ** 3;
        const high = round % 3 === 0 ? rand() : 0;
        const scale = 1 + Math.floor(rand() * 40);
        for (let i = 0; i < REGISTERS; i++) {
          const r = rand();
          if (r < zeros) regs[i] = 0;
          else if (r < zeros + high * (1 - zeros)) regs[i] = 51 + Math.floor(rand() * 13);
          else regs[i] = 1 + Math.floor(rand() * scale);
        }
        const bytes = denseBytes(regs);
        await redis.set('crafted', bytes);
        const ours = HyperLogLog.fromRedisBytes(bytes);
        assert.equal(ours.count(), await redis.pfcount('crafted'), `round ${round}`);
        assert.deepEqual(registersOf(ours.toRedisBytes()), regs);
      }
    });
  });

  describe('accuracy and merge', () => {
    it('stays within 2% from 1 to 1,000,000 distinct ids (and is fast)', () => {
      const hll = HyperLogLog.create();
      const checks = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 1000, 10_000, 100_000, 1_000_000]);
      const started = performance.now();
      for (let n = 1; n <= 1_000_000; n++) {
        hll.add(`visitor-${n}`);
        if (checks.has(n)) {
          const error = Math.abs(hll.count() - n) / n;
          assert.ok(error <= 0.02, `estimate ${hll.count()} for ${n} is off by ${(error * 100).toFixed(2)}%`);
        }
      }
      const ms = performance.now() - started;
      assert.ok(ms < 3000, `1,000,000 adds took ${ms.toFixed(0)} ms`);
    });

    it('merging partial sketches equals adding everything to one', () => {
      const all = HyperLogLog.create();
      const parts = [HyperLogLog.create(), HyperLogLog.create(), HyperLogLog.create()];
      for (let n = 0; n < 200_000; n++) {
        all.add(`id-${n}`);
        parts[n % 3]!.add(`id-${n}`);
      }
      const merged = HyperLogLog.create();
      for (const part of parts) merged.merge(part);
      assert.deepEqual(merged.toRedisBytes(), all.toRedisBytes());
      assert.equal(merged.count(), all.count());
    });
  });

  describe('serialization', () => {
    it('starts empty and counts 0; adding the same element twice changes nothing', () => {
      const hll = HyperLogLog.create();
      assert.equal(hll.isEmpty(), true);
      assert.equal(hll.count(), 0);
      assert.equal(hll.add('x'), true);
      assert.equal(hll.add('x'), false);
      assert.equal(hll.isEmpty(), false);
      assert.equal(hll.count(), 1);
    });

    it('round-trips through base64 and keeps a valid cached cardinality', () => {
      const hll = HyperLogLog.create();
      for (let n = 0; n < 5000; n++) hll.add(`k${n}`);
      const bytes = hll.toRedisBytes();
      assert.equal(bytes.length, DENSE_SIZE);
      assert.equal(bytes.subarray(0, 8).toString('latin1'), 'HYLL\0\0\0\0');
      assert.equal(bytes.readBigUInt64LE(8), BigInt(hll.count()));
      const back = HyperLogLog.fromBase64(hll.toBase64());
      assert.deepEqual(back.toRedisBytes(), bytes);
    });

    it('refuses what is not a Redis HyperLogLog, saying why', () => {
      const header = (encoding: number): Buffer =>
        Buffer.from([0x48, 0x59, 0x4c, 0x4c, encoding, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]);
      const sparse = (...ops: number[]): Buffer => Buffer.concat([header(1), Buffer.from(ops)]);
      const cases: Array<[Uint8Array, RegExp]> = [
        [Buffer.from('HYL'), /shorter than the 16-byte header/],
        [Buffer.concat([Buffer.from('HELL'), header(0).subarray(4)]), /bad magic/],
        [Buffer.concat([header(0), Buffer.alloc(100)]), /12304/],
        [Buffer.concat([header(2), Buffer.alloc(12288)]), /unknown encoding 2/],
        [sparse(0x7f, 0xff, 0x00), /runs past register 16384/], // XZERO 16384 then ZERO 1
        [sparse(0x7f, 0xfe, 0x83), /runs past register 16384/], // XZERO 16383 then VAL run 4
        [sparse(0x40, 0x63), /cover 100 of 16384/],
        [sparse(0x7f), /XZERO cut short/],
      ];
      for (const [bytes, message] of cases) assert.throws(() => HyperLogLog.fromRedisBytes(bytes), message);
      assert.throws(() => HyperLogLog.fromBase64('not base64!'), /not base64/);
    });

    it('reads a sparse string (XZERO, ZERO, VAL) into the right registers', () => {
      // XZERO 1000, VAL 2x1, ZERO 19, VAL 3x2, XZERO 15362: the example in hyperloglog.c.
      const header = Buffer.from('HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80', 'latin1');
      const bytes = Buffer.concat([header, Buffer.from([0x43, 0xe7, 0x84, 0x12, 0x89, 0x7c, 0x01])]);
      const regs = registersOf(HyperLogLog.fromRedisBytes(bytes).toRedisBytes());
      const expected = new Uint8Array(REGISTERS);
      expected[1000] = 2;
      expected[1020] = 3;
      expected[1021] = 3;
      assert.deepEqual(regs, expected);
    });
  });
});
