// Fuzzes the image analyzer with arbitrary bytes as an archived image: format sniffing, the
// JPEG/PNG/WebP/GIF decoders behind it (libjpeg-turbo, libpng, libwebp, giflib), EXIF reading
// (libexif), the perceptual hash and QR scanning (zbar). Checks its invariants too.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json_writer.h"
#include "identify/selectors/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  dragnet::identify::ImageFacts facts;
  dragnet::identify::AnalyzeImage(bytes, facts, 4'000'000);
  if (facts.format != dragnet::identify::SniffImageFormat(bytes))
    std::abort();
  if (facts.format.empty() && (facts.width != 0 || facts.height != 0 || !facts.exif.empty() ||
                               facts.phash || !facts.qr.empty() || !facts.anomalies.empty())) {
    std::abort();  // not an image: nothing may be reported
  }
  if (facts.width < 0 || facts.height < 0)
    std::abort();
  if (facts.phash && (facts.width <= 0 || facts.height <= 0 ||
                      uint64_t(facts.width) * uint64_t(facts.height) > 4'000'000)) {
    std::abort();  // pixels only from a decoded image within the cap
  }
  if (facts.qr.size() > 16 || (!facts.qr.empty() && !facts.phash))
    std::abort();
  if (facts.latitude.has_value() != facts.longitude.has_value())
    std::abort();
  if (facts.latitude && !(*facts.latitude >= -90 && *facts.latitude <= 90 &&
                          *facts.longitude >= -180 && *facts.longitude <= 180)) {
    std::abort();
  }
  for (const auto& [key, value] : facts.exif) {
    if (key.empty() || value.empty() || value.size() > 256)
      std::abort();
  }
  if (facts.phash && dragnet::identify::PhashHex(*facts.phash).size() != 16)
    std::abort();
  std::string json;
  dragnet::JsonWriter writer(json);
  dragnet::identify::AppendImageJson(facts, writer);
  if (json.size() < 2 || json.front() != '{' || json.back() != '}')
    std::abort();
  return 0;
}
