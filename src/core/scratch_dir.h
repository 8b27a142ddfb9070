#pragma once
// A fresh directory for one test, removed with everything in it when the test ends. Tests build
// their own files here instead of sharing state (hermetic tests).

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace dragnet {

class ScratchDir {
 public:
  // `name` should identify the test; characters unsafe in file names are replaced.
  explicit ScratchDir(std::string name) {
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = std::filesystem::temp_directory_path() /
            ("dragnet_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    // Tests may have made entries unreadable; make them removable again first.
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& relative) const {
    return path_ / relative;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace dragnet
