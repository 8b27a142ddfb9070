#include "core/hash.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <openssl/evp.h>

#include "core/check.h"
#include "core/encoding.h"

namespace dragnet {
namespace {

const EVP_MD* Md(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return EVP_sha1();
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha512:
      return EVP_sha512();
    case DigestAlgorithm::kMd5:
      return EVP_md5();
  }
  return EVP_sha256();
}

}  // namespace

struct Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

std::optional<DigestAlgorithm> DigestAlgorithmFromName(std::string_view name) {
  std::string lower;
  for (char c : name) {
    if (c != '-') {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (lower == "sha1")
    return DigestAlgorithm::kSha1;
  if (lower == "sha256")
    return DigestAlgorithm::kSha256;
  if (lower == "sha512")
    return DigestAlgorithm::kSha512;
  if (lower == "md5")
    return DigestAlgorithm::kMd5;
  return std::nullopt;
}

std::string_view DigestAlgorithmLabel(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return "sha1";
    case DigestAlgorithm::kSha256:
      return "sha256";
    case DigestAlgorithm::kSha512:
      return "sha512";
    case DigestAlgorithm::kMd5:
      return "md5";
  }
  return "sha256";
}

size_t DigestSize(DigestAlgorithm algorithm) {
  return static_cast<size_t>(EVP_MD_get_size(Md(algorithm)));
}

Hasher::Hasher(DigestAlgorithm algorithm) : ctx_(std::make_unique<Ctx>()), algorithm_(algorithm) {
  ctx_->md = EVP_MD_CTX_new();
  DRAGNET_CHECK(ctx_->md != nullptr, "EVP_MD_CTX_new failed (out of memory)");
  DRAGNET_CHECK(EVP_DigestInit_ex(ctx_->md, Md(algorithm_), nullptr) == 1, "EVP_DigestInit_ex");
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::Update(std::string_view bytes) {
  EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}
void Hasher::Update(std::span<const uint8_t> bytes) {
  EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}

std::vector<uint8_t> Hasher::Finish() {
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx_->md, out.data(), &size);
  out.resize(size);
  EVP_DigestInit_ex(ctx_->md, Md(algorithm_), nullptr);
  return out;
}

std::vector<uint8_t> Digest(DigestAlgorithm algorithm, std::string_view bytes) {
  Hasher hasher(algorithm);
  hasher.Update(bytes);
  return hasher.Finish();
}

std::array<uint8_t, 32> Sha256(std::string_view bytes) {
  std::array<uint8_t, 32> out{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, EVP_sha256(), nullptr);
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  auto digest = Sha256(bytes);
  return HexEncode(digest);
}

}  // namespace dragnet
