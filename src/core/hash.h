#pragma once
// Message digests through OpenSSL's EVP interface. SHA-256 is what Dragnet writes; SHA-1,
// SHA-512 and MD5 exist because WARC files from other tools carry them and we verify them.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet {

enum class DigestAlgorithm { kSha1, kSha256, kSha512, kMd5 };

// "sha1", "sha-1", "SHA256"... -> algorithm; nullopt when we do not know the name.
std::optional<DigestAlgorithm> DigestAlgorithmFromName(std::string_view name);
// Canonical label used in WARC digests: "sha1", "sha256", "sha512", "md5".
std::string_view DigestAlgorithmLabel(DigestAlgorithm algorithm);
size_t DigestSize(DigestAlgorithm algorithm);

// Incremental hasher. Not thread-safe; cheap to move.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::string_view bytes);
  void Update(std::span<const uint8_t> bytes);
  // Returns the digest and resets the hasher for reuse.
  std::vector<uint8_t> Finish();
  DigestAlgorithm algorithm() const { return algorithm_; }

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  DigestAlgorithm algorithm_;
};

std::vector<uint8_t> Digest(DigestAlgorithm algorithm, std::string_view bytes);
std::array<uint8_t, 32> Sha256(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);

}  // namespace dragnet
