#pragma once
// Assertions for bugs only, never for input or environment (those are anomalies and Results).
//   DRAGNET_DCHECK(cond)        debug builds: an invariant of our own code.
//   DRAGNET_CHECK(cond, msg)    always on: continuing would corrupt stored data.

#include <cstdio>
#include <cstdlib>

#define DRAGNET_CHECK(cond, msg)                                                             \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", __FILE__, __LINE__, #cond, msg); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

#ifdef NDEBUG
#define DRAGNET_DCHECK(cond) \
  do {                       \
  } while (false)
#else
#define DRAGNET_DCHECK(cond) DRAGNET_CHECK(cond, "debug check")
#endif
