// Key → partition, exactly as Kafka's default partitioner (Java client, and kafkajs' DefaultPartitioner)
// places a keyed record: murmur2 (seed 0x9747b28c) over the key's UTF-8 bytes, sign bit cleared,
// modulo the partition count. Using the same function in the in-process bus means an order lands on
// the same partition number in both modes, which keeps partition-level diagnostics comparable.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): a signed 32-bit hash of the first `length` bytes. */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/** The partition (0 ≤ p < partitions) a record with this key goes to; the empty key is a key like any other. */
export function partitionForKey(key: string, partitions: number): number {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  const { written } = encoder.encodeInto(key, scratch);
  return (murmur2(scratch, written) & 0x7fffffff) % partitions;
}
