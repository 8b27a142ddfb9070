#pragma once
// Tests only: where the third-party specifications, vectors and samples of ../shared/data are.
// $DRAGNET_SHARED_DATA overrides; otherwise ../shared/data beside the source tree (CMake's
// dragnet_test passes DRAGNET_SHARED_DIR). Tests skip with a message when it is absent.

#include <cstdlib>
#include <filesystem>

namespace dragnet::testing {

inline std::filesystem::path SharedDataDir() {
  if (const char* env = std::getenv("DRAGNET_SHARED_DATA"); env != nullptr && *env != '\0')
    return env;
#ifdef DRAGNET_SHARED_DIR
  return std::filesystem::path(DRAGNET_SHARED_DIR) / "data";
#else
  return std::filesystem::path("../shared/data");
#endif
}

}  // namespace dragnet::testing
