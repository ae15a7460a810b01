// Single-source shortest paths by delta-stepping (Meyer & Sanders, J.
// Algorithms 2003) in GAPBS's shape (sssp.cc, after Zhang et al.'s bin
// fusion): thread-local bins of vertices by distance / delta, one shared
// frontier per bin, relaxation by compare-and-swap on integer distances, and
// a bin that stays small processed again at once by the thread that filled it.
// Arguments: ... TRIALS DELTA SOURCE... ; one JSON line per trial.
#include <algorithm>
#include <limits>
#include "graph.h"

static const int32_t kInf = std::numeric_limits<int32_t>::max() / 2;
static const size_t kMaxBin = std::numeric_limits<size_t>::max() / 2;
static const size_t kFuse = 1000;

int main(int argc, char** argv) {
  Args a = parseArgs(argc, argv);
  const CSR& g = a.g;
  const uint32_t n = g.n;
  if (g.w.empty()) fail("sssp needs a weighted graph");
  if (a.sources.size() < 2) fail("sssp needs DELTA and a SOURCE");
  const int32_t delta = (int32_t)a.sources[0];
  std::vector<int32_t> dist(n);
  std::vector<uint32_t> frontier(g.m + 1);
  for (int t = 0; t < a.trials; t++) {
    const uint32_t source = a.sources[1 + t % (a.sources.size() - 1)];
    double start = now();
    std::fill(dist.begin(), dist.end(), kInf);
    dist[source] = 0;
    frontier[0] = source;
    size_t sharedIndex[2] = {0, kMaxBin};
    size_t tails[2] = {1, 0};
#pragma omp parallel
    {
      std::vector<std::vector<uint32_t>> bins;
      auto relax = [&](uint32_t u) {
        for (uint32_t e = g.off[u]; e < g.off[u + 1]; e++) {
          const uint32_t v = g.tgt[e];
          int32_t old = __atomic_load_n(&dist[v], __ATOMIC_RELAXED);
          const int32_t fresh = dist[u] + (int32_t)g.w[e];
          while (fresh < old) {
            if (__atomic_compare_exchange_n(&dist[v], &old, fresh, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
              const size_t bin = (size_t)(fresh / delta);
              if (bin >= bins.size()) bins.resize(bin + 1);
              bins[bin].push_back(v);
              break;
            }
          }
        }
      };
      size_t iter = 0;
      while (__atomic_load_n(&sharedIndex[iter & 1], __ATOMIC_RELAXED) != kMaxBin) {
        size_t& current = sharedIndex[iter & 1];
        size_t& next = sharedIndex[(iter + 1) & 1];
        const size_t binIndex = current;
        const size_t tail = tails[iter & 1];
#pragma omp for nowait schedule(dynamic, 64)
        for (size_t i = 0; i < tail; i++) {
          const uint32_t u = frontier[i];
          if (dist[u] >= delta * (int32_t)binIndex) relax(u);
        }
        while (binIndex < bins.size() && !bins[binIndex].empty() && bins[binIndex].size() < kFuse) {
          std::vector<uint32_t> copy;
          copy.swap(bins[binIndex]);
          for (uint32_t u : copy) relax(u);
        }
        for (size_t i = binIndex; i < bins.size(); i++)
          if (!bins[i].empty()) {
            size_t seen = __atomic_load_n(&next, __ATOMIC_RELAXED);
            while (i < seen && !__atomic_compare_exchange_n(&next, &seen, i, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            }
            break;
          }
#pragma omp barrier
#pragma omp single nowait
        {
          current = kMaxBin;
          tails[iter & 1] = 0;
        }
        const size_t nextIndex = next;
        if (nextIndex < bins.size()) {
          const size_t at = __atomic_fetch_add(&tails[(iter + 1) & 1], bins[nextIndex].size(), __ATOMIC_RELAXED);
          std::copy(bins[nextIndex].begin(), bins[nextIndex].end(), frontier.begin() + at);
          bins[nextIndex].clear();
        }
        iter++;
#pragma omp barrier
      }
    }
    double seconds = now() - start;
    uint32_t reached = 0;
    int32_t farthest = 0;
    double total = 0;
    for (uint32_t v = 0; v < n; v++)
      if (dist[v] < kInf) {
        reached++;
        total += dist[v];
        if (dist[v] > farthest) farthest = dist[v];
      }
    std::printf("{\"seconds\":%.6f,\"source\":%u,\"reached\":%u,\"farthest\":%d,\"distanceSum\":%.0f}\n", seconds, source, reached, farthest, total);
  }
  return 0;
}
