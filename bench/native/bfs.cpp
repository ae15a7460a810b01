// Direction-optimizing BFS (Beamer, Asanovic, Patterson, SC 2012), as GAPBS's
// bfs.cc: top-down steps from a queue while the frontier is small; bottom-up
// steps (every unvisited vertex scans its neighbours and stops at the first one
// in the frontier bitmap) once the frontier's edges exceed the unexplored
// edges / alpha; back to top-down when the frontier shrinks below n / beta.
// alpha 15, beta 18 as in the paper. Levels rather than parents, so the answer
// compares with gasworks' bfs. One JSON line per trial (source = SOURCE list, cycled).
#include "graph.h"

static const int kAlpha = 15, kBeta = 18;

int main(int argc, char** argv) {
  Args a = parseArgs(argc, argv);
  const CSR& g = a.g;
  const uint32_t n = g.n;
  if (a.sources.empty()) fail("bfs needs a SOURCE");
  std::vector<int32_t> depth(n);
  std::vector<uint32_t> queue(n), next(n);
  const size_t words = (n + 63) / 64;
  std::vector<uint64_t> front(words), curr(words);
  for (int t = 0; t < a.trials; t++) {
    const uint32_t source = a.sources[t % a.sources.size()];
    double start = now();
    std::fill(depth.begin(), depth.end(), -1);
    depth[source] = 0;
    size_t qsize = 1;
    queue[0] = source;
    int64_t edgesToCheck = (int64_t)g.m, scout = g.degree(source);
    int level = 0;
    while (qsize > 0) {
      if (scout > edgesToCheck / kAlpha) {
        // Queue to bitmap, then bottom-up steps while the frontier is large or growing.
        std::fill(front.begin(), front.end(), 0);
#pragma omp parallel for
        for (size_t i = 0; i < qsize; i++) __atomic_fetch_or(&front[queue[i] >> 6], 1ull << (queue[i] & 63), __ATOMIC_RELAXED);
        int64_t awake = (int64_t)qsize, old;
        do {
          old = awake;
          awake = 0;
          std::fill(curr.begin(), curr.end(), 0);
          const int nextLevel = level + 1;
#pragma omp parallel for schedule(dynamic, 1024) reduction(+ : awake)
          for (uint32_t u = 0; u < n; u++) {
            if (depth[u] >= 0) continue;
            for (uint32_t e = g.off[u]; e < g.off[u + 1]; e++) {
              const uint32_t v = g.tgt[e];
              if (front[v >> 6] & (1ull << (v & 63))) {
                depth[u] = nextLevel;
                __atomic_fetch_or(&curr[u >> 6], 1ull << (u & 63), __ATOMIC_RELAXED);
                awake++;
                break;
              }
            }
          }
          level = nextLevel;
          front.swap(curr);
        } while (awake >= old || awake > (int64_t)(n / kBeta));
        // Bitmap to queue.
        size_t count = 0;
#pragma omp parallel
        {
          std::vector<uint32_t> local;
#pragma omp for nowait
          for (size_t w = 0; w < words; w++)
            for (uint64_t bits = front[w]; bits; bits &= bits - 1) local.push_back((uint32_t)(w * 64 + __builtin_ctzll(bits)));
          size_t at = __atomic_fetch_add(&count, local.size(), __ATOMIC_RELAXED);
          std::copy(local.begin(), local.end(), queue.begin() + at);
        }
        qsize = count;
        scout = 1;
      } else {
        edgesToCheck -= scout;
        scout = 0;
        size_t count = 0;
        const int nextLevel = level + 1;
#pragma omp parallel reduction(+ : scout)
        {
          std::vector<uint32_t> local;
#pragma omp for schedule(dynamic, 64) nowait
          for (size_t i = 0; i < qsize; i++) {
            const uint32_t v = queue[i];
            for (uint32_t e = g.off[v]; e < g.off[v + 1]; e++) {
              const uint32_t u = g.tgt[e];
              int32_t expected = -1;
              if (depth[u] < 0 && __atomic_compare_exchange_n(&depth[u], &expected, nextLevel, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                local.push_back(u);
                scout += g.degree(u);
              }
            }
          }
          size_t at = __atomic_fetch_add(&count, local.size(), __ATOMIC_RELAXED);
          std::copy(local.begin(), local.end(), next.begin() + at);
        }
        queue.swap(next);
        qsize = count;
        level = nextLevel;
      }
    }
    double seconds = now() - start;
    uint32_t reached = 0;
    int32_t deepest = 0;
    for (uint32_t v = 0; v < n; v++)
      if (depth[v] >= 0) {
        reached++;
        if (depth[v] > deepest) deepest = depth[v];
      }
    std::printf("{\"seconds\":%.6f,\"source\":%u,\"reached\":%u,\"depth\":%d}\n", seconds, source, reached, deepest);
  }
  return 0;
}
