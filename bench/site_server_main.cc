// Serves the crawler tests' generated site (tests/support/site_server.h) with a delay per page,
// standing in for a far-away or Tor-routed market in bench/crawl_compare.sh:
//   site_server PAGES DELAY_MS    prints the port, serves until killed.

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "support/site_server.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: site_server PAGES DELAY_MS\n");
    return 2;
  }
  dragnet::testing::SiteServer server(std::atoi(argv[1]), std::atoi(argv[2]));
  if (!server.ok()) {
    std::fprintf(stderr, "site_server: cannot start\n");
    return 1;
  }
  std::printf("%d\n", server.port());
  std::fflush(stdout);
  for (;;)
    ::pause();
}
