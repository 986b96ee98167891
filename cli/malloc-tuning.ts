// glibc malloc settings for ordertrace's processes, set in their environment by deploy/Dockerfile (and
// by the test and benchmark helpers that spawn the CLI, so they run what is deployed). A process cannot
// set them for itself: glibc reads them at start-up.
//
// Why: by default glibc serves allocations above a (dynamic) threshold of at most 32 MiB with fresh
// mmap() pages and returns them to the system when freed, and trims freed memory at the top of its heap
// beyond 128 KiB. The collector and the ingester allocate and free buffers of tens of KiB to tens of MiB
// all the time (request bodies, Kafka fetches, zstd output, insert bodies), so they kept touching freshly
// mapped pages, a page fault per 4 KiB — ~2 µs each on the 2-core VM the pipeline is benchmarked on.
// Serving those from the heap and keeping up to 256 MiB of freed memory for reuse cut the pipeline's CPU
// per span from 48.7 to 39.0 µs (npm run bench:pipeline, collector + ingester + ClickHouse + Kafka).
// The cost: a process's resident memory stays near its peak instead of shrinking after a burst.
export const MALLOC_TUNING: Readonly<Record<string, string>> = {
  /** Allocations below 64 MiB come from the heap (reused) instead of fresh mmap() pages. */
  MALLOC_MMAP_THRESHOLD_: String(64 * 1024 * 1024),
  /** Keep up to 256 MiB of freed heap memory instead of returning it to the system. */
  MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
};
