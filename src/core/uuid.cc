#include "core/uuid.h"

#include <array>
#include <cstdint>

#include <sodium.h>

#include "core/check.h"
#include "core/encoding.h"

namespace dragnet {

std::string NewUuid() {
  // libsodium's randombytes reads getrandom(2); sodium_init makes it safe to call from any thread.
  static const bool initialised = sodium_init() >= 0;
  DRAGNET_CHECK(initialised, "libsodium failed to initialise");
  std::array<uint8_t, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);
  std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string NewUuidUrn() {
  return "urn:uuid:" + NewUuid();
}

}  // namespace dragnet
