#pragma once
// Text encodings of binary values: hex (base16), RFC 4648 base32 and base64.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dragnet {

// The value of one hexadecimal digit (either case), or -1.
int HexValue(char c);
std::string HexEncode(std::span<const uint8_t> bytes);
std::optional<std::vector<uint8_t>> HexDecode(std::string_view text);
// RFC 4648 section 6, upper case, no padding when `pad` is false.
std::string Base32Encode(std::span<const uint8_t> bytes, bool pad = false);
// Accepts upper or lower case, with or without '=' padding.
std::optional<std::vector<uint8_t>> Base32Decode(std::string_view text);
std::string Base64Encode(std::span<const uint8_t> bytes);
std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text);

}  // namespace dragnet
