// Pull PageRank, as GAPBS's pr.cc: each iteration every vertex sums its
// in-neighbours' outgoing contributions (rank / out-degree), kept in single
// precision as GAPBS keeps its scores (ScoreT is float: half the bytes the
// gather reads at random, which is most of its time); damping 0.85,
// base (1 - d) / n, dangling mass dropped (gasworks' pagerank does the same),
// a fixed number of iterations. Prints one JSON line per trial: seconds, the
// top 5 vertices and the rank sum.
#include <algorithm>
#include "graph.h"

int main(int argc, char** argv) {
  Args a = parseArgs(argc, argv);
  const CSR& g = a.g;
  const int iterations = a.sources.empty() ? 20 : (int)a.sources[0];
  const uint32_t n = g.n;
  const float d = 0.85f, base = (1.0f - d) / n;
  std::vector<float> rank(n), contrib(n);
  for (int t = 0; t < a.trials; t++) {
    double start = now();
    std::fill(rank.begin(), rank.end(), 1.0f / n);
    for (int it = 0; it < iterations; it++) {
#pragma omp parallel for schedule(static, 1024)
      for (uint32_t v = 0; v < n; v++) contrib[v] = g.degree(v) ? rank[v] / g.degree(v) : 0.0f;
#pragma omp parallel for schedule(dynamic, 1024)
      for (uint32_t v = 0; v < n; v++) {
        float sum = 0;
        for (uint32_t e = g.off[v]; e < g.off[v + 1]; e++) sum += contrib[g.tgt[e]];
        rank[v] = base + d * sum;
      }
    }
    double seconds = now() - start;
    std::vector<uint32_t> order(n);
    for (uint32_t v = 0; v < n; v++) order[v] = v;
    std::partial_sort(order.begin(), order.begin() + 5, order.end(), [&](uint32_t x, uint32_t y) { return rank[x] > rank[y] || (rank[x] == rank[y] && x < y); });
    double total = 0;
    for (double r : rank) total += r;
    std::printf("{\"seconds\":%.6f,\"top\":[%u,%u,%u,%u,%u],\"sum\":%.12g}\n", seconds, order[0], order[1], order[2], order[3], order[4], total);
  }
  return 0;
}
