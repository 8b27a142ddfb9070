#pragma once
// What an archived image gives away: its format and size, the EXIF tags that tie it to a camera
// or a person (make, model, serial, artist, capture time, GPS position), a 64-bit perceptual hash
// that matches the same stash or product photo reused across shops (after recompression or
// resizing), and the texts of QR codes in it (wallet addresses, shop links).
//
// Decoding uses Debian's libraries: libjpeg-turbo (TurboJPEG API), libpng (simplified API),
// libwebp, giflib (first frame), libexif and zbar. Every format is reduced to the same 8-bit
// luma, Y = 0.299 R + 0.587 G + 0.114 B on the stored (gamma-encoded) values as JPEG defines it,
// with transparent pixels composited onto white, so that one photo stored as PNG and as JPEG
// hashes alike.
//
// Hostile bytes never throw or crash: what went wrong is an anomaly. Anomaly ids:
//   "image.too_large"    width * height above max_pixels (size reported, pixels not decoded)
//   "image.truncated"    the data ends before the image does (JPEG, GIF: rows decoded are kept)
//   "image.corrupt"      the decoder rejected or repaired the data
//   "image.unsupported"  a variant not decoded here (animated WebP, CMYK JPEG)
//   "exif.corrupt"       an EXIF block that libexif could not read a single tag from
//   "exif.bad_gps"       GPS tags with a zero denominator, NaN, out-of-range value or bad ref
//   "exif.gps_zero"      latitude and longitude both exactly 0 (an unset fix; not reported)

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_writer.h"

namespace dragnet::identify {

struct ImageFacts {
  std::string format;  // "jpeg", "png", "webp", "gif", "" when not an image we read
  int width = 0;       // as stored in the header (GIF: the logical screen)
  int height = 0;
  // EXIF tags in this order when present, values as written (trimmed, at most 256 bytes):
  // "make", "model", "software", "datetime_original" ("YYYY:MM:DD HH:MM:SS"), "orientation"
  // (the number 1-8 as text), "lens" (LensModel), "serial" (BodySerialNumber), "artist".
  std::vector<std::pair<std::string, std::string>> exif;
  // GPS in decimal degrees (S/W negative) and metres (below sea level negative). Latitude and
  // longitude are set together or not at all.
  std::optional<double> latitude, longitude, altitude;
  std::optional<uint64_t> phash;       // 64-bit DCT perceptual hash, see ComputePhash in image.cc
  std::vector<std::string> qr;         // decoded QR code texts (zbar), distinct, at most 16
  std::vector<std::string> anomalies;  // ids listed above, each at most once
};

// Resets `out` and fills it from `bytes`. Never throws; hostile bytes give anomalies.
// max_pixels guards against decompression bombs: an image whose header claims more pixels is
// not decoded (no phash, no QR) and gets "image.too_large". JPEGs wider than 1024 px are
// decoded at a reduced TurboJPEG scale (1/8 steps) to at most 1024 px wide; other formats are
// decoded at full size.
void AnalyzeImage(std::string_view bytes, ImageFacts& out, uint64_t max_pixels = 50'000'000);

// Sniffs the format from magic bytes: "jpeg", "png", "webp", "gif" or "".
std::string_view SniffImageFormat(std::string_view bytes);

// Hamming distance between two perceptual hashes (0..64).
int PhashDistance(uint64_t a, uint64_t b);

// 16 lower-case hex digits.
std::string PhashHex(uint64_t phash);

// Writes one JSON object:
// {"format","width","height","exif":{...},"gps":{"lat","lon","alt"},"phash":"hex","qr":[...],
//  "anomalies":[...]}; "exif", "gps" (and each of its keys), "phash", "qr" and "anomalies" are
// left out when absent or empty.
void AppendImageJson(const ImageFacts& facts, JsonWriter& w);

}  // namespace dragnet::identify
