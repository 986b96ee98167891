// Zstandard for Kafka record batches, from Node's own zlib (Node ≥ 22.15 has zstd built in): kafkajs
// ships only gzip and leaves the other codecs to plug-ins, which the project does not depend on.
//
// Why compress at all: kafkajs checksums every record batch with a CRC-32C written in JavaScript, on the
// collector's event loop (~2.5 µs per span of uncompressed JSON, measured); compressed batches are a
// fraction of that size, and the broker stores and serves fewer bytes. Compression itself runs on
// libuv's thread pool (zlib's async API), not on the event loop. Zstd needs Kafka ≥ 2.1 (produce v7 /
// fetch v10, which kafkajs negotiates); `compression: 'none'` turns it off.
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { CompressionTypes } from 'kafkajs';

// Node's static analysis of kafkajs's CommonJS exports misses CompressionCodecs (it follows a spread).
const { CompressionCodecs } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');

const compress = promisify(zlib.zstdCompress);
const decompress = promisify(zlib.zstdDecompress);

/** zstd's default level: on JSON spans about as fast as level 1, and smaller. */
const LEVEL = 3;
const COMPRESS_OPTIONS: zlib.ZstdOptions = { params: { [zlib.constants.ZSTD_c_compressionLevel]: LEVEL } };

const codec = {
  /** kafkajs passes its Encoder; `buffer` holds the encoded records. */
  compress: (encoder: { buffer: Buffer }): Promise<Buffer> => compress(encoder.buffer, COMPRESS_OPTIONS),
  decompress: (buffer: Buffer): Promise<Buffer> => decompress(buffer),
};

/** Makes kafkajs able to write and read zstd batches (idempotent; kafkajs keeps codecs in a module-level table). */
export function registerZstd(): void {
  CompressionCodecs[CompressionTypes.ZSTD] = () => codec;
}
