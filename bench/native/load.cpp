// Loading a serialized graph, as GAPBS's .sg reader does it: the offsets and
// the neighbour array read straight into memory (here from the CSR file the
// bench writes, the same bytes per arc as an undirected .sg). Prints the time
// and the arc count.
#include "graph.h"

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: load GRAPH.csr");
  for (int t = 0; t < (argc > 3 ? std::atoi(argv[3]) : 1); t++) {
    double start = now();
    CSR g = readCSR(argv[1]);
    double seconds = now() - start;
    std::printf("{\"seconds\":%.6f,\"arcs\":%llu}\n", seconds, (unsigned long long)g.m);
  }
  return 0;
}
