// Connected components by Afforest (Sutton, Ben-Nun, Barak, IPDPS 2018), as
// GAPBS's cc.cc: link each vertex to its first two neighbours (one round
// each, compressing after each), sample the largest intermediate component,
// then link the remaining edges of every vertex outside it and compress.
// Link is the lock-free hook of the larger root under the smaller by
// compare-and-swap. Prints the component count, the largest component's
// size, and a checksum of each vertex's smallest-member label (gasworks'
// answer) so the two compare vertex by vertex.
#include <random>
#include <unordered_map>
#include "graph.h"

static void link(uint32_t u, uint32_t v, uint32_t* comp) {
  uint32_t p1 = __atomic_load_n(&comp[u], __ATOMIC_RELAXED), p2 = __atomic_load_n(&comp[v], __ATOMIC_RELAXED);
  while (p1 != p2) {
    uint32_t high = p1 > p2 ? p1 : p2, low = p1 + (p2 - high);
    uint32_t pHigh = __atomic_load_n(&comp[high], __ATOMIC_RELAXED);
    if (pHigh == low) break;
    if (pHigh == high) {
      uint32_t expected = high;
      if (__atomic_compare_exchange_n(&comp[high], &expected, low, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) break;
    }
    p1 = comp[comp[high]];
    p2 = comp[low];
  }
}

static void compress(uint32_t n, uint32_t* comp) {
#pragma omp parallel for schedule(dynamic, 16384)
  for (uint32_t v = 0; v < n; v++)
    while (comp[v] != comp[comp[v]]) comp[v] = comp[comp[v]];
}

static uint32_t sampleFrequent(uint32_t n, const uint32_t* comp) {
  std::unordered_map<uint32_t, int> counts(32);
  std::mt19937 gen(27491095);
  std::uniform_int_distribution<uint32_t> pick(0, n - 1);
  for (int i = 0; i < 1024; i++) counts[comp[pick(gen)]]++;
  uint32_t best = 0;
  int most = -1;
  for (auto& kv : counts)
    if (kv.second > most) { best = kv.first; most = kv.second; }
  return best;
}

int main(int argc, char** argv) {
  Args a = parseArgs(argc, argv);
  const CSR& g = a.g;
  const uint32_t n = g.n;
  const uint32_t rounds = 2;
  std::vector<uint32_t> comp(n);
  for (int t = 0; t < a.trials; t++) {
    double start = now();
#pragma omp parallel for
    for (uint32_t v = 0; v < n; v++) comp[v] = v;
    for (uint32_t r = 0; r < rounds; r++) {
#pragma omp parallel for schedule(dynamic, 16384)
      for (uint32_t u = 0; u < n; u++)
        if (g.off[u] + r < g.off[u + 1]) link(u, g.tgt[g.off[u] + r], comp.data());
      compress(n, comp.data());
    }
    const uint32_t c = sampleFrequent(n, comp.data());
#pragma omp parallel for schedule(dynamic, 16384)
    for (uint32_t u = 0; u < n; u++) {
      if (comp[u] == c) continue;
      for (uint32_t e = g.off[u] + rounds; e < g.off[u + 1]; e++) link(u, g.tgt[e], comp.data());
    }
    compress(n, comp.data());
    double seconds = now() - start;
    // The answer: roots are each component's smallest member (links hook larger under smaller).
    std::vector<uint32_t> size(n, 0);
    uint32_t count = 0, largest = 0;
    double checksum = 0;
    for (uint32_t v = 0; v < n; v++) {
      if (comp[v] == v) count++;
      if (++size[comp[v]] > largest) largest = size[comp[v]];
      checksum += comp[v];
    }
    std::printf("{\"seconds\":%.6f,\"components\":%u,\"largest\":%u,\"labelSum\":%.0f}\n", seconds, count, largest, checksum);
  }
  return 0;
}
