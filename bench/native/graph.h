// The native peers' shared part: read the CSR file bench/native-peers.ts writes
// (magic "GWCSR001", u64 n, u64 m, u64 weighted, u32 offsets[n+1], u32 targets[m],
// then u32 weights[m] when weighted), the clock, and the command line
// `KERNEL FILE THREADS TRIALS [SOURCE...]`. The graph is symmetric (every edge
// stored both ways), so out-neighbours are also in-neighbours, as in GAPBS's
// undirected Kronecker graphs. Timing covers the kernel only, never loading.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <omp.h>

struct CSR {
  uint32_t n = 0;
  uint64_t m = 0;
  std::vector<uint32_t> off, tgt, w;
  uint32_t degree(uint32_t v) const { return off[v + 1] - off[v]; }
};

static void fail(const char* what) {
  std::fprintf(stderr, "native: %s\n", what);
  std::exit(1);
}

static CSR readCSR(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (!f) fail("cannot open the graph file");
  char magic[8];
  uint64_t head[3];
  if (std::fread(magic, 1, 8, f) != 8 || std::memcmp(magic, "GWCSR001", 8) != 0) fail("not a GWCSR001 file");
  if (std::fread(head, 8, 3, f) != 3) fail("truncated header");
  CSR g;
  g.n = (uint32_t)head[0];
  g.m = head[1];
  g.off.resize((size_t)g.n + 1);
  g.tgt.resize(g.m);
  if (std::fread(g.off.data(), 4, g.n + 1, f) != g.n + 1) fail("truncated offsets");
  if (std::fread(g.tgt.data(), 4, g.m, f) != g.m) fail("truncated targets");
  if (head[2]) {
    g.w.resize(g.m);
    if (std::fread(g.w.data(), 4, g.m, f) != g.m) fail("truncated weights");
  }
  std::fclose(f);
  return g;
}

static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Args {
  CSR g;
  int threads;
  int trials;
  std::vector<uint32_t> sources;
};

static Args parseArgs(int argc, char** argv) {
  if (argc < 4) fail("usage: KERNEL GRAPH.csr THREADS TRIALS [SOURCE...]");
  Args a;
  a.g = readCSR(argv[1]);
  a.threads = std::atoi(argv[2]);
  a.trials = std::atoi(argv[3]);
  for (int i = 4; i < argc; i++) a.sources.push_back((uint32_t)std::strtoul(argv[i], nullptr, 10));
  if (a.threads < 1 || a.trials < 1) fail("THREADS and TRIALS must be positive");
  omp_set_num_threads(a.threads);
  return a;
}
