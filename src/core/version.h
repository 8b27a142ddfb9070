#pragma once

namespace dragnet {

// Written into warcinfo records and custody entries; bump with every release.
inline constexpr const char* kVersion = "0.1.0";
inline constexpr const char* kSoftware = "Dragnet/0.1.0";

}  // namespace dragnet
