// Fuzzes the WARC reader and validator with arbitrary bytes as a file (plain or gzip).

#include <cstdint>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "archive/warc_reader.h"
#include "archive/warc_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = ::memfd_create("warc_fuzz", MFD_CLOEXEC);
  if (fd < 0)
    return 0;
  size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0)
      break;
    written += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  auto verdict = dragnet::archive::VerifyWarcFile(path);
  (void)verdict;
  // Random access at an arbitrary offset must be just as safe.
  dragnet::model::AnomalyLog log(16);
  if (auto reader = dragnet::archive::WarcReader::Open(path, log); reader.has_value()) {
    if ((*reader)->Seek(size > 0 ? data[0] % (size + 1) : 0).ok()) {
      for (int i = 0; i < 4; ++i) {
        auto more = (*reader)->Next();
        if (!more.has_value() || !*more)
          break;
        (void)(*reader)->ReadBlockToString(1 << 20);
      }
    }
  }
  ::close(fd);
  return 0;
}
