#include "identify/selectors/image.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gif_lib.h>
#include <gtest/gtest.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <qrencode.h>
#include <turbojpeg.h>
#include <webp/encode.h>
#include <zlib.h>

#include "core/json_writer.h"

// Under AddressSanitizer every malloc (ours and the libraries') is measured while g_measure is
// set, to show that a header claiming a huge image allocates nothing of its size.
#if defined(__SANITIZE_ADDRESS__)
#define DRAGNET_MEASURE_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DRAGNET_MEASURE_MALLOC 1
#endif
#endif
#ifdef DRAGNET_MEASURE_MALLOC
// From the sanitizer runtime (declared in <sanitizer/allocator_interface.h>, which GCC lacks).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             size_t),
                                                         void (*free_hook)(const volatile void*));
#endif

namespace {
std::atomic<bool> g_measure{false};
std::atomic<size_t> g_largest{0};

[[maybe_unused]] void OnMalloc(const volatile void*, size_t n) {
  if (!g_measure.load(std::memory_order_relaxed))
    return;
  size_t seen = g_largest.load(std::memory_order_relaxed);
  while (n > seen && !g_largest.compare_exchange_weak(seen, n)) {
  }
}
[[maybe_unused]] void OnFree(const volatile void*) {}

// True when allocations can be measured.
bool MeasureMalloc() {
#ifdef DRAGNET_MEASURE_MALLOC
  static const bool installed = __sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree) != 0;
  return installed;
#else
  return false;
#endif
}
}  // namespace

namespace dragnet::identify {
namespace {

constexpr char kBitcoinUri[] = "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4?amount=0.01";

// ---------------------------------------------------------------------------------------------
// Pictures made here.

struct Picture {
  int width = 0;
  int height = 0;
  int channels = 3;  // 1 gray, 3 RGB
  std::vector<uint8_t> pixels;
};

uint8_t Clamp(double v) {
  return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

// Gradients and shapes, sampled at pixel centres of a w x h grid. Variant 0 and 1 differ in
// layout: a dark disc and a bright block on a diagonal gradient, or stripes and a bright disc on
// a vertical gradient.
Picture Synthetic(int width, int height, int channels, int variant) {
  Picture p{width, height, channels, {}};
  p.pixels.resize(static_cast<size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = (x + 0.5) / width, v = (y + 0.5) / height;
      double r, g, b;
      if (variant == 0) {
        r = 255 * u;
        g = 255 * (0.5 * u + 0.5 * v);
        b = 255 * (1 - v);
        if ((u - 0.3) * (u - 0.3) + (v - 0.45) * (v - 0.45) < 0.04)
          r = g = b = 20;
        if (u > 0.6 && u < 0.9 && v > 0.15 && v < 0.5)
          r = 250, g = 240, b = 200;
        if (v > 0.75 && v < 0.85)
          r = 60, g = 60, b = 200;
      } else {
        r = g = b = 255 * (1 - v);
        if (static_cast<int>(u * 6) % 2 == 0)
          r *= 0.4, g *= 0.4, b *= 0.4;
        if ((u - 0.7) * (u - 0.7) + (v - 0.7) * (v - 0.7) < 0.03)
          r = 255, g = 230, b = 40;
      }
      uint8_t* px = &p.pixels[(static_cast<size_t>(y) * width + x) * channels];
      if (channels == 1) {
        px[0] = Clamp(0.299 * r + 0.587 * g + 0.114 * b);
      } else {
        px[0] = Clamp(r);
        px[1] = Clamp(g);
        px[2] = Clamp(b);
      }
    }
  }
  return p;
}

Picture Flat(int width, int height, uint8_t value) {
  return Picture{width, height, 1,
                 std::vector<uint8_t>(static_cast<size_t>(width) * height, value)};
}

Picture HalfSize(const Picture& in) {  // 2x2 box average
  Picture out{in.width / 2, in.height / 2, in.channels, {}};
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * in.channels);
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      for (int c = 0; c < in.channels; ++c) {
        int sum = 0;
        for (int dy = 0; dy < 2; ++dy) {
          for (int dx = 0; dx < 2; ++dx)
            sum += in.pixels[((2 * y + dy) * in.width + 2 * x + dx) * in.channels + c];
        }
        out.pixels[(y * out.width + x) * in.channels + c] = static_cast<uint8_t>((sum + 2) / 4);
      }
    }
  }
  return out;
}

Picture DoubleSize(const Picture& in) {  // pixel replication
  Picture out{in.width * 2, in.height * 2, in.channels, {}};
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * in.channels);
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      for (int c = 0; c < in.channels; ++c) {
        out.pixels[(static_cast<size_t>(y) * out.width + x) * in.channels + c] =
            in.pixels[(static_cast<size_t>(y / 2) * in.width + x / 2) * in.channels + c];
      }
    }
  }
  return out;
}

// A QR code of `text`, `scale` px per module, 4-module quiet zone, placed at (left, top) on a
// white canvas of at least the code's size.
Picture QrPicture(const std::string& text, int scale, int canvas_width = 0, int canvas_height = 0,
                  int left = 0, int top = 0) {
  QRcode* qr = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  EXPECT_NE(qr, nullptr);
  const int side = (qr->width + 8) * scale;
  Picture p{std::max(side + left, canvas_width), std::max(side + top, canvas_height), 1, {}};
  p.pixels.assign(static_cast<size_t>(p.width) * p.height, 255);
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if ((qr->data[y * qr->width + x] & 1) == 0)
        continue;
      for (int dy = 0; dy < scale; ++dy) {
        for (int dx = 0; dx < scale; ++dx) {
          const int py = top + (y + 4) * scale + dy, px = left + (x + 4) * scale + dx;
          p.pixels[static_cast<size_t>(py) * p.width + px] = 0;
        }
      }
    }
  }
  QRcode_free(qr);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Encoders.

std::string EncodePng(const Picture& p) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = p.width;
  image.height = p.height;
  image.format = p.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  EXPECT_NE(png_image_write_to_memory(&image, nullptr, &size, 0, p.pixels.data(), 0, nullptr), 0);
  std::string out(size, '\0');
  EXPECT_NE(png_image_write_to_memory(&image, out.data(), &size, 0, p.pixels.data(), 0, nullptr),
            0);
  out.resize(size);
  return out;
}

std::string EncodeJpeg(const Picture& p, int quality) {
  tjhandle tj = tjInitCompress();
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  const bool gray = p.channels == 1;
  EXPECT_EQ(tjCompress2(tj, p.pixels.data(), p.width, 0, p.height, gray ? TJPF_GRAY : TJPF_RGB,
                        &jpeg, &size, gray ? TJSAMP_GRAY : TJSAMP_420, quality, 0),
            0)
      << tjGetErrorStr2(tj);
  std::string out(reinterpret_cast<char*>(jpeg), size);
  tjFree(jpeg);
  tjDestroy(tj);
  return out;
}

std::string EncodeWebp(const Picture& p, float quality) {
  EXPECT_EQ(p.channels, 3);
  uint8_t* data = nullptr;
  const size_t size =
      WebPEncodeRGB(p.pixels.data(), p.width, p.height, p.width * 3, quality, &data);
  std::string out(reinterpret_cast<char*>(data), size);
  WebPFree(data);
  return out;
}

int AppendGifBytes(GifFileType* gif, const GifByteType* data, int n) {
  static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), n);
  return n;
}

// A gray picture as a GIF with a 256-level gray palette (so no information is lost).
std::string EncodeGif(const Picture& p, bool interlace, int transparent = -1) {
  EXPECT_EQ(p.channels, 1);
  std::string out;
  int error = 0;
  GifFileType* gif = EGifOpen(&out, AppendGifBytes, &error);
  EGifSetGifVersion(gif, true);
  GifColorType colors[256];
  for (int i = 0; i < 256; ++i)
    colors[i] = {static_cast<GifByteType>(i), static_cast<GifByteType>(i),
                 static_cast<GifByteType>(i)};
  ColorMapObject* map = GifMakeMapObject(256, colors);
  EXPECT_EQ(EGifPutScreenDesc(gif, p.width, p.height, 8, 0, map), GIF_OK);
  if (transparent >= 0) {
    GraphicsControlBlock gcb{DISPOSAL_UNSPECIFIED, false, 0, transparent};
    GifByteType block[4];
    EGifGCBToExtension(&gcb, block);
    EXPECT_EQ(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, block), GIF_OK);
  }
  EXPECT_EQ(EGifPutImageDesc(gif, 0, 0, p.width, p.height, interlace, nullptr), GIF_OK);
  std::vector<int> rows;
  if (interlace) {
    for (int pass = 0; pass < 4; ++pass) {
      static constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
      for (int y = kStart[pass]; y < p.height; y += kStep[pass])
        rows.push_back(y);
    }
  } else {
    for (int y = 0; y < p.height; ++y)
      rows.push_back(y);
  }
  for (int y : rows) {
    std::vector<GifPixelType> line(p.pixels.begin() + static_cast<size_t>(y) * p.width,
                                   p.pixels.begin() + static_cast<size_t>(y + 1) * p.width);
    EXPECT_EQ(EGifPutLine(gif, line.data(), p.width), GIF_OK);
  }
  EXPECT_EQ(EGifCloseFile(gif, &error), GIF_OK);
  GifFreeMapObject(map);
  return out;
}

// ---------------------------------------------------------------------------------------------
// EXIF made with libexif.

struct ExifBuilder {
  ExifData* ed;
  explicit ExifBuilder(ExifByteOrder order) : ed(exif_data_new()) {
    exif_data_set_byte_order(ed, order);
  }
  ~ExifBuilder() { exif_data_unref(ed); }

  ExifEntry* Add(ExifIfd ifd, int tag, ExifFormat format, unsigned long components) {
    ExifMem* mem = exif_mem_new_default();
    ExifEntry* e = exif_entry_new_mem(mem);
    const unsigned size = exif_format_get_size(format) * components;
    e->data = static_cast<unsigned char*>(exif_mem_alloc(mem, size));
    e->size = size;
    e->components = components;
    e->format = format;
    e->tag = static_cast<ExifTag>(tag);
    exif_content_add_entry(ed->ifd[ifd], e);
    exif_mem_unref(mem);
    exif_entry_unref(e);  // the IFD holds it
    return e;
  }
  void Ascii(ExifIfd ifd, int tag, const std::string& value) {
    ExifEntry* e = Add(ifd, tag, EXIF_FORMAT_ASCII, value.size() + 1);
    std::memcpy(e->data, value.c_str(), value.size() + 1);
  }
  void Rationals(ExifIfd ifd, int tag, std::vector<ExifRational> values) {
    ExifEntry* e = Add(ifd, tag, EXIF_FORMAT_RATIONAL, values.size());
    for (size_t i = 0; i < values.size(); ++i)
      exif_set_rational(e->data + 8 * i, exif_data_get_byte_order(ed), values[i]);
  }
  void Byte(ExifIfd ifd, int tag, uint8_t value) {
    ExifEntry* e = Add(ifd, tag, EXIF_FORMAT_BYTE, 1);
    e->data[0] = value;
  }
  void Short(ExifIfd ifd, int tag, uint16_t value) {
    ExifEntry* e = Add(ifd, tag, EXIF_FORMAT_SHORT, 1);
    exif_set_short(e->data, exif_data_get_byte_order(ed), value);
  }
  // "Exif\0\0" + TIFF structure.
  std::string Save() {
    unsigned char* data = nullptr;
    unsigned int size = 0;
    exif_data_save_data(ed, &data, &size);
    std::string out(reinterpret_cast<char*>(data), size);
    std::free(data);
    return out;
  }
};

struct GpsSpec {
  std::vector<ExifRational> lat{{55, 1}, {45, 1}, {216, 10}};
  std::vector<ExifRational> lon{{37, 1}, {37, 1}, {48, 10}};
  std::string lat_ref = "N", lon_ref = "E";
  ExifRational alt{150, 1};
  uint8_t alt_ref = 0;
};

// Make, Model, Software, DateTimeOriginal, Orientation, LensModel, BodySerialNumber, Artist and
// the GPS block.
std::string CameraExif(const GpsSpec& gps, ExifByteOrder order = EXIF_BYTE_ORDER_INTEL) {
  ExifBuilder b(order);
  b.Ascii(EXIF_IFD_0, EXIF_TAG_MAKE, "Canon");
  b.Ascii(EXIF_IFD_0, EXIF_TAG_MODEL, "Canon EOS 5D Mark IV");
  b.Ascii(EXIF_IFD_0, EXIF_TAG_SOFTWARE, "Firmware 1.2.3");
  b.Short(EXIF_IFD_0, EXIF_TAG_ORIENTATION, 6);
  b.Ascii(EXIF_IFD_0, EXIF_TAG_ARTIST, "  J. Doe ");
  b.Ascii(EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, "2023:04:05 06:07:08");
  b.Ascii(EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL, "EF24-105mm f/4L IS USM");
  b.Ascii(EXIF_IFD_EXIF, EXIF_TAG_BODY_SERIAL_NUMBER, "012345678901");
  b.Ascii(EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF, gps.lat_ref);
  b.Rationals(EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE, gps.lat);
  b.Ascii(EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF, gps.lon_ref);
  b.Rationals(EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE, gps.lon);
  b.Byte(EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF, gps.alt_ref);
  b.Rationals(EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE, {gps.alt});
  return b.Save();
}

// APP1 right after SOI.
std::string SpliceApp1(const std::string& jpeg, const std::string& exif) {
  const size_t length = exif.size() + 2;
  std::string app1 = "\xFF\xE1";
  app1 += static_cast<char>(length >> 8);
  app1 += static_cast<char>(length & 0xFF);
  return jpeg.substr(0, 2) + app1 + exif + jpeg.substr(2);
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string Le32(uint32_t v) {
  return {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
          static_cast<char>(v >> 24)};
}

std::string PngChunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size());
  return Be32(data.size()) + body + Be32(static_cast<uint32_t>(crc));
}

// An eXIf chunk after IHDR (which ends at byte 33).
std::string WithPngExif(const std::string& png, const std::string& tiff) {
  return png.substr(0, 33) + PngChunk("eXIf", tiff) + png.substr(33);
}

// A simple lossy WebP rewritten as the extended format (VP8X, flag EXIF) with an EXIF chunk.
std::string WithWebpExif(const std::string& webp, int width, int height, const std::string& tiff) {
  std::string vp8x = "VP8X" + Le32(10);
  vp8x += '\x08';  // EXIF present
  vp8x += std::string(3, '\0');
  vp8x += Le32(width - 1).substr(0, 3);
  vp8x += Le32(height - 1).substr(0, 3);
  std::string exif = "EXIF" + Le32(tiff.size()) + tiff;
  if (tiff.size() % 2 != 0)
    exif += '\0';
  const std::string body = "WEBP" + vp8x + webp.substr(12) + exif;
  return "RIFF" + Le32(body.size()) + body;
}

std::string ExifValue(const ImageFacts& f, const std::string& key) {
  for (const auto& [k, v] : f.exif) {
    if (k == key)
      return v;
  }
  return "<absent>";
}

bool HasAnomaly(const ImageFacts& f, const std::string& id) {
  return std::find(f.anomalies.begin(), f.anomalies.end(), id) != f.anomalies.end();
}

ImageFacts Analyze(const std::string& bytes, uint64_t max_pixels = 50'000'000) {
  ImageFacts f;
  AnalyzeImage(bytes, f, max_pixels);
  return f;
}

uint64_t HashOf(const std::string& bytes) {
  const ImageFacts f = Analyze(bytes);
  EXPECT_TRUE(f.phash.has_value()) << f.format;
  EXPECT_TRUE(f.anomalies.empty()) << f.anomalies.front();
  return f.phash.value_or(0);
}

// ---------------------------------------------------------------------------------------------

TEST(SniffImageFormat, MagicBytes) {
  EXPECT_EQ(SniffImageFormat(std::string("\xFF\xD8\xFF\xE0", 4)), "jpeg");
  EXPECT_EQ(SniffImageFormat(std::string("\x89PNG\r\n\x1A\n", 8)), "png");
  EXPECT_EQ(SniffImageFormat(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), "webp");
  EXPECT_EQ(SniffImageFormat("GIF89a...."), "gif");
  EXPECT_EQ(SniffImageFormat("GIF87a"), "gif");
  EXPECT_EQ(SniffImageFormat(std::string("RIFF\x10\0\0\0WAVEfmt ", 16)), "");
  EXPECT_EQ(SniffImageFormat(std::string("\xFF\xD8", 2)), "");
  EXPECT_EQ(SniffImageFormat("\x89PNG"), "");
  EXPECT_EQ(SniffImageFormat(""), "");
}

TEST(Phash, HexAndDistance) {
  EXPECT_EQ(PhashHex(0), "0000000000000000");
  EXPECT_EQ(PhashHex(0x8000000000000001ULL), "8000000000000001");
  EXPECT_EQ(PhashHex(0xfedcba9876543210ULL), "fedcba9876543210");
  EXPECT_EQ(PhashDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(PhashDistance(0xF0, 0x0F), 8);
  EXPECT_EQ(PhashDistance(12345, 12345), 0);
}

TEST(Phash, FlatImagesSetOnlyTheDcBit) {
  // Every AC coefficient is 0, so the median is 0; only a non-zero DC term exceeds it.
  EXPECT_EQ(HashOf(EncodePng(Flat(40, 30, 128))), 0x8000000000000000ULL);
  EXPECT_EQ(HashOf(EncodePng(Flat(1, 1, 200))), 0x8000000000000000ULL);
  EXPECT_EQ(HashOf(EncodePng(Flat(50, 70, 0))), 0u);
}

TEST(Phash, PinnedValue) {
  // Pins the algorithm: a change to scaling, DCT, rounding or bit order shows up here. Both
  // values were reproduced by an independent model of the documented steps (exact rational box
  // filter, naive 2-D DCT); every coefficient is at least 1480/4096 away from the median.
  EXPECT_EQ(PhashHex(HashOf(EncodePng(Synthetic(512, 384, 3, 0)))), "b337cc483b738878");
  EXPECT_EQ(PhashHex(HashOf(EncodePng(Synthetic(512, 384, 1, 1)))), "93e9699368939d92");
}

void ExpectRobust(int channels) {
  const Picture original = Synthetic(512, 384, channels, 0);
  const uint64_t reference = HashOf(EncodePng(original));
  const uint64_t same_jpeg = HashOf(EncodeJpeg(original, 50));
  const uint64_t half_jpeg = HashOf(EncodeJpeg(HalfSize(original), 50));
  const uint64_t double_jpeg = HashOf(EncodeJpeg(DoubleSize(original), 50));
  // 2048 px wide: decoded by TurboJPEG at scale 1/2.
  const uint64_t quad_jpeg = HashOf(EncodeJpeg(DoubleSize(DoubleSize(original)), 50));
  const uint64_t other = HashOf(EncodePng(Synthetic(512, 384, channels, 1)));
  const uint64_t other_jpeg = HashOf(EncodeJpeg(HalfSize(Synthetic(512, 384, channels, 1)), 50));
  EXPECT_LE(PhashDistance(reference, same_jpeg), 6);
  EXPECT_LE(PhashDistance(reference, half_jpeg), 6);
  EXPECT_LE(PhashDistance(reference, double_jpeg), 6);
  EXPECT_LE(PhashDistance(reference, quad_jpeg), 6);
  EXPECT_GE(PhashDistance(reference, other), 20);
  EXPECT_GE(PhashDistance(reference, other_jpeg), 20);
  EXPECT_GE(PhashDistance(half_jpeg, other_jpeg), 20);
}

TEST(Phash, RgbSurvivesRecompressionAndResizing) {
  ExpectRobust(3);
}
TEST(Phash, GraySurvivesRecompressionAndResizing) {
  ExpectRobust(1);
}

TEST(Phash, SamePictureAcrossFormats) {
  const Picture rgb = Synthetic(320, 240, 3, 0);
  const uint64_t png = HashOf(EncodePng(rgb));
  EXPECT_LE(PhashDistance(png, HashOf(EncodeWebp(rgb, 75))), 6);
  const Picture gray = Synthetic(320, 240, 1, 0);
  const uint64_t gray_png = HashOf(EncodePng(gray));
  // A 256-level gray palette loses nothing: the same luma, the same hash.
  EXPECT_EQ(HashOf(EncodeGif(gray, false)), gray_png);
  EXPECT_EQ(HashOf(EncodeGif(gray, true)), gray_png);
  // Colour and its JPEG luma agree with the gray version of the picture.
  EXPECT_LE(PhashDistance(png, gray_png), 6);
}

TEST(Image, TransparencyIsCompositedOntoWhite) {
  // Fully transparent black pixels read as white: a flat white image sets only the DC bit.
  std::vector<uint8_t> rgba(32 * 32 * 4, 0);
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = image.height = 32;
  image.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  ASSERT_NE(png_image_write_to_memory(&image, nullptr, &size, 0, rgba.data(), 0, nullptr), 0);
  std::string png(size, '\0');
  ASSERT_NE(png_image_write_to_memory(&image, png.data(), &size, 0, rgba.data(), 0, nullptr), 0);
  png.resize(size);
  EXPECT_EQ(HashOf(png), 0x8000000000000000ULL);
  uint8_t* data = nullptr;
  const size_t webp_size = WebPEncodeLosslessRGBA(rgba.data(), 32, 32, 32 * 4, &data);
  const std::string webp(reinterpret_cast<char*>(data), webp_size);
  WebPFree(data);
  EXPECT_EQ(HashOf(webp), 0x8000000000000000ULL);
  // GIF: a transparent palette index.
  EXPECT_EQ(HashOf(EncodeGif(Flat(32, 32, 0), false, 0)), 0x8000000000000000ULL);
  EXPECT_EQ(HashOf(EncodeGif(Flat(32, 32, 0), false, 7)), 0u);
  // The same pixels opaque are black.
  for (size_t i = 3; i < rgba.size(); i += 4)
    rgba[i] = 255;
  data = nullptr;
  const size_t opaque_size = WebPEncodeLosslessRGBA(rgba.data(), 32, 32, 32 * 4, &data);
  const std::string opaque(reinterpret_cast<char*>(data), opaque_size);
  WebPFree(data);
  EXPECT_EQ(HashOf(opaque), 0u);
}

TEST(Image, DimensionsAndFormat) {
  const Picture p = Synthetic(123, 45, 3, 0);
  struct Case {
    std::string bytes, format;
  } cases[] = {{EncodePng(p), "png"},
               {EncodeJpeg(p, 90), "jpeg"},
               {EncodeWebp(p, 80), "webp"},
               {EncodeGif(Synthetic(123, 45, 1, 0), false), "gif"}};
  for (const Case& c : cases) {
    const ImageFacts f = Analyze(c.bytes);
    EXPECT_EQ(f.format, c.format);
    EXPECT_EQ(f.width, 123) << c.format;
    EXPECT_EQ(f.height, 45) << c.format;
    EXPECT_TRUE(f.phash.has_value()) << c.format;
    EXPECT_TRUE(f.exif.empty()) << c.format;
    EXPECT_TRUE(f.qr.empty()) << c.format;
    EXPECT_TRUE(f.anomalies.empty()) << c.format;
  }
}

TEST(Qr, DecodesBitcoinUriFromPngAndJpeg) {
  const Picture qr = QrPicture(kBitcoinUri, 4);
  for (const std::string& bytes : {EncodePng(qr), EncodeJpeg(qr, 90), EncodeJpeg(qr, 60)}) {
    const ImageFacts f = Analyze(bytes);
    ASSERT_EQ(f.qr.size(), 1u) << f.format;
    EXPECT_EQ(f.qr[0], kBitcoinUri);
  }
}

TEST(Qr, FoundInALargeJpegDecodedAtReducedScale) {
  // 2000 px wide: decoded at 4/8 scale, 8 px modules become 4 px.
  Picture canvas = QrPicture(kBitcoinUri, 8, 2000, 1500, 1200, 700);
  const ImageFacts f = Analyze(EncodeJpeg(canvas, 85));
  EXPECT_EQ(f.width, 2000);
  EXPECT_EQ(f.height, 1500);
  ASSERT_EQ(f.qr.size(), 1u);
  EXPECT_EQ(f.qr[0], kBitcoinUri);
}

TEST(Qr, NoneInAPhotoLikePicture) {
  EXPECT_TRUE(Analyze(EncodeJpeg(Synthetic(640, 480, 3, 1), 80)).qr.empty());
}

TEST(Exif, CameraTagsAndGpsFromJpegApp1) {
  const std::string jpeg = SpliceApp1(EncodeJpeg(Synthetic(160, 120, 3, 0), 80), CameraExif({}));
  const ImageFacts f = Analyze(jpeg);
  EXPECT_EQ(f.format, "jpeg");
  EXPECT_EQ(f.width, 160);
  EXPECT_TRUE(f.phash.has_value());
  EXPECT_TRUE(f.anomalies.empty());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"make", "Canon"},
      {"model", "Canon EOS 5D Mark IV"},
      {"software", "Firmware 1.2.3"},
      {"datetime_original", "2023:04:05 06:07:08"},
      {"orientation", "6"},
      {"lens", "EF24-105mm f/4L IS USM"},
      {"serial", "012345678901"},
      {"artist", "J. Doe"}};
  EXPECT_EQ(f.exif, expected);
  ASSERT_TRUE(f.latitude && f.longitude && f.altitude);
  EXPECT_NEAR(*f.latitude, 55.756, 1e-4);
  EXPECT_NEAR(*f.longitude, 37.618, 1e-4);
  EXPECT_DOUBLE_EQ(*f.altitude, 150);

  std::string json;
  JsonWriter w(json);
  AppendImageJson(f, w);
  EXPECT_EQ(json.rfind(R"({"format":"jpeg","width":160,"height":120,"exif":{"make":"Canon",)", 0),
            0u)
      << json;
  EXPECT_NE(json.find(R"("gps":{"lat":55.75)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"(,"alt":150},"phash":")" + PhashHex(*f.phash) + "\"}"), std::string::npos)
      << json;
}

TEST(Exif, SouthWestAndBelowSeaLevelAreNegativeBigEndianToo) {
  GpsSpec gps;
  gps.lat_ref = "S";
  gps.lon_ref = "W";
  gps.alt = {4155, 10};
  gps.alt_ref = 1;
  const Picture p = Synthetic(64, 48, 1, 0);
  for (ExifByteOrder order : {EXIF_BYTE_ORDER_INTEL, EXIF_BYTE_ORDER_MOTOROLA}) {
    const ImageFacts f = Analyze(SpliceApp1(EncodeJpeg(p, 80), CameraExif(gps, order)));
    ASSERT_TRUE(f.latitude && f.longitude && f.altitude);
    EXPECT_NEAR(*f.latitude, -55.756, 1e-4);
    EXPECT_NEAR(*f.longitude, -37.618, 1e-4);
    EXPECT_DOUBLE_EQ(*f.altitude, -415.5);
    EXPECT_EQ(ExifValue(f, "make"), "Canon");
    EXPECT_EQ(ExifValue(f, "orientation"), "6");
  }
}

TEST(Exif, ZeroDenominatorsAreBadGps) {
  GpsSpec gps;
  gps.lat = {{55, 0}, {45, 1}, {216, 10}};
  gps.alt = {0, 0};
  const ImageFacts f =
      Analyze(SpliceApp1(EncodeJpeg(Synthetic(64, 48, 3, 0), 80), CameraExif(gps)));
  EXPECT_FALSE(f.latitude.has_value());
  EXPECT_FALSE(f.longitude.has_value());
  EXPECT_FALSE(f.altitude.has_value());
  EXPECT_EQ(f.anomalies, std::vector<std::string>{"exif.bad_gps"});
  EXPECT_EQ(ExifValue(f, "model"), "Canon EOS 5D Mark IV");  // the rest is still read
  EXPECT_TRUE(f.phash.has_value());
}

TEST(Exif, OutOfRangeAndBadRefsAreBadGps) {
  GpsSpec too_far;
  too_far.lon = {{181, 1}, {0, 1}, {0, 1}};
  GpsSpec bad_ref;
  bad_ref.lat_ref = "X";
  for (const GpsSpec& gps : {too_far, bad_ref}) {
    const ImageFacts f =
        Analyze(SpliceApp1(EncodeJpeg(Synthetic(64, 48, 3, 0), 80), CameraExif(gps)));
    EXPECT_FALSE(f.latitude.has_value());
    EXPECT_FALSE(f.longitude.has_value());
    EXPECT_TRUE(f.altitude.has_value());
    EXPECT_TRUE(HasAnomaly(f, "exif.bad_gps"));
  }
}

TEST(Exif, NullIslandIsNotReported) {
  GpsSpec gps;
  gps.lat = gps.lon = {{0, 1}, {0, 1}, {0, 1}};
  const ImageFacts f =
      Analyze(SpliceApp1(EncodeJpeg(Synthetic(64, 48, 3, 0), 80), CameraExif(gps)));
  EXPECT_FALSE(f.latitude.has_value());
  EXPECT_EQ(f.anomalies, std::vector<std::string>{"exif.gps_zero"});
}

TEST(Exif, FromPngExifChunkAndWebpExifChunk) {
  const std::string exif = CameraExif({});
  const std::string tiff = exif.substr(6);  // without "Exif\0\0"
  ASSERT_EQ(exif.substr(0, 6), std::string("Exif\0\0", 6));
  const Picture p = Synthetic(96, 64, 3, 0);
  const ImageFacts png = Analyze(WithPngExif(EncodePng(p), tiff));
  const ImageFacts webp = Analyze(WithWebpExif(EncodeWebp(p, 80), 96, 64, tiff));
  for (const ImageFacts* f : {&png, &webp}) {
    EXPECT_EQ(ExifValue(*f, "serial"), "012345678901") << f->format;
    ASSERT_TRUE(f->latitude.has_value()) << f->format;
    EXPECT_NEAR(*f->latitude, 55.756, 1e-4);
    EXPECT_TRUE(f->phash.has_value()) << f->format;
    EXPECT_EQ(f->width, 96);
    EXPECT_TRUE(f->anomalies.empty()) << f->format << " " << f->anomalies.front();
  }
}

TEST(Exif, GarbageExifBlockIsAnAnomaly) {
  const std::string jpeg = EncodeJpeg(Synthetic(64, 48, 3, 0), 80);
  const ImageFacts f = Analyze(SpliceApp1(jpeg, std::string("Exif\0\0MM\0*garbage!", 19)));
  EXPECT_TRUE(f.exif.empty());
  EXPECT_EQ(f.anomalies, std::vector<std::string>{"exif.corrupt"});
  EXPECT_TRUE(f.phash.has_value());
}

// ---------------------------------------------------------------------------------------------
// Hostile input.

TEST(Hostile, TruncatedJpegKeepsWhatWasDecoded) {
  const std::string jpeg = EncodeJpeg(Synthetic(256, 192, 3, 0), 80);
  const ImageFacts f = Analyze(jpeg.substr(0, jpeg.size() / 2));
  EXPECT_EQ(f.format, "jpeg");
  EXPECT_EQ(f.width, 256);
  EXPECT_EQ(f.height, 192);
  EXPECT_EQ(f.anomalies, std::vector<std::string>{"image.truncated"});
  EXPECT_TRUE(f.phash.has_value());
  // Cut inside the headers: nothing to decode, still truncated.
  for (size_t cut : {size_t{30}, size_t{100}, size_t{300}}) {
    const ImageFacts g = Analyze(jpeg.substr(0, cut));
    EXPECT_EQ(g.format, "jpeg");
    EXPECT_FALSE(g.phash.has_value());
    EXPECT_EQ(g.anomalies, std::vector<std::string>{"image.truncated"}) << cut;
  }
  // Damage that is not truncation: the scan data overwritten after the headers.
  std::string damaged = jpeg;
  const size_t sos = damaged.find("\xFF\xDA");
  ASSERT_NE(sos, std::string::npos);
  for (size_t i = sos + 20; i < damaged.size() - 2; ++i)
    damaged[i] = static_cast<char>(0xFF);
  const ImageFacts d = Analyze(damaged);
  EXPECT_EQ(d.width, 256);
  EXPECT_EQ(d.anomalies, std::vector<std::string>{"image.corrupt"});
}

TEST(Hostile, TruncatedPng) {
  const std::string png = EncodePng(Synthetic(256, 192, 3, 0));
  const ImageFacts f = Analyze(png.substr(0, png.size() / 2));
  EXPECT_EQ(f.format, "png");
  EXPECT_EQ(f.width, 256);
  EXPECT_EQ(f.anomalies, std::vector<std::string>{"image.truncated"});
  EXPECT_FALSE(f.phash.has_value());
  const ImageFacts g = Analyze(png.substr(0, 20));  // inside IHDR
  EXPECT_EQ(g.format, "png");
  EXPECT_EQ(g.width, 0);
  EXPECT_EQ(g.anomalies, std::vector<std::string>{"image.truncated"});
  const ImageFacts h = Analyze(png.substr(0, 40));  // after IHDR: the size is known
  EXPECT_EQ(h.width, 256);
  EXPECT_EQ(h.height, 192);
  EXPECT_EQ(h.anomalies, std::vector<std::string>{"image.truncated"});
  EXPECT_FALSE(h.phash.has_value());
}

TEST(Hostile, TruncatedWebpAndGif) {
  const std::string webp = EncodeWebp(Synthetic(256, 192, 3, 0), 80);
  const ImageFacts w = Analyze(webp.substr(0, webp.size() / 2));
  EXPECT_EQ(w.format, "webp");
  EXPECT_EQ(w.anomalies, std::vector<std::string>{"image.truncated"});
  EXPECT_FALSE(w.phash.has_value());
  const std::string gif = EncodeGif(Synthetic(256, 192, 1, 0), false);
  const ImageFacts g = Analyze(gif.substr(0, gif.size() / 2));
  EXPECT_EQ(g.format, "gif");
  EXPECT_EQ(g.width, 256);
  EXPECT_EQ(g.anomalies, std::vector<std::string>{"image.truncated"});
}

TEST(Hostile, HugePngHeaderAllocatesNothing) {
  // IHDR: 100000 x 100000, 8-bit RGB; then a token IDAT and IEND.
  std::string ihdr = Be32(100000) + Be32(100000);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + PngChunk("IHDR", ihdr) +
                          PngChunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) +
                          PngChunk("IEND", "");
  ImageFacts f;
  const bool measured = MeasureMalloc();
  g_largest = 0;
  g_measure = true;
  AnalyzeImage(png, f);
  g_measure = false;
  EXPECT_EQ(f.format, "png");
  EXPECT_EQ(f.width, 100000);
  EXPECT_EQ(f.height, 100000);
  EXPECT_EQ(f.anomalies, std::vector<std::string>{"image.too_large"});
  EXPECT_FALSE(f.phash.has_value());
  if (measured) {
    EXPECT_LT(g_largest.load(), 1024u * 1024);  // libpng's own structures only
  }
}

TEST(Hostile, PixelCapAppliesToEveryFormat) {
  const Picture p = Synthetic(100, 100, 3, 0);
  for (const std::string& bytes : {EncodePng(p), EncodeJpeg(p, 80), EncodeWebp(p, 80),
                                   EncodeGif(Synthetic(100, 100, 1, 0), false)}) {
    const ImageFacts f = Analyze(bytes, 9999);
    EXPECT_EQ(f.width, 100) << f.format;
    EXPECT_EQ(f.anomalies, std::vector<std::string>{"image.too_large"}) << f.format;
    EXPECT_FALSE(f.phash.has_value()) << f.format;
    EXPECT_TRUE(Analyze(bytes, 10000).phash.has_value()) << f.format;
  }
}

TEST(Hostile, EmptyAndRandomBytes) {
  ImageFacts f;
  f.format = "stale";
  f.anomalies.push_back("stale");
  AnalyzeImage("", f);
  EXPECT_EQ(f.format, "");
  EXPECT_TRUE(f.anomalies.empty());
  std::mt19937 rng(42);
  const std::string prefixes[] = {"", std::string("\xFF\xD8\xFF", 3),
                                  std::string("\x89PNG\r\n\x1A\n", 8),
                                  std::string("RIFF\x40\0\0\0WEBP", 12), "GIF89a"};
  for (const std::string& prefix : prefixes) {
    for (int i = 0; i < 50; ++i) {
      std::string bytes = prefix;
      const int n = static_cast<int>(rng() % 2000);
      for (int k = 0; k < n; ++k)
        bytes += static_cast<char>(rng());
      AnalyzeImage(bytes, f, 4'000'000);
      if (prefix.empty()) {
        EXPECT_EQ(f.format, "");
      } else {
        EXPECT_NE(f.format, "");
        EXPECT_FALSE(f.anomalies.empty()) << f.format;
      }
      if (f.phash) {
        EXPECT_GT(f.width, 0);
        EXPECT_GT(f.height, 0);
      }
    }
  }
}

TEST(Json, ImageWithoutMetadata) {
  const ImageFacts f = Analyze(EncodePng(Flat(4, 2, 99)));
  std::string json;
  JsonWriter w(json);
  AppendImageJson(f, w);
  EXPECT_EQ(json, R"({"format":"png","width":4,"height":2,"phash":"8000000000000000"})");
  ImageFacts empty;
  empty.anomalies = {"image.truncated"};
  empty.qr = {"a\"b"};
  json.clear();
  JsonWriter w2(json);
  AppendImageJson(empty, w2);
  EXPECT_EQ(json,
            R"({"format":"","width":0,"height":0,"qr":["a\"b"],"anomalies":["image.truncated"]})");
}

// Writes the fuzz seeds: run with --gtest_also_run_disabled_tests
// --gtest_filter='*WriteFuzzCorpus' and DRAGNET_IMAGE_CORPUS=<dir>.
TEST(Image, DISABLED_WriteFuzzCorpus) {
  const char* dir = std::getenv("DRAGNET_IMAGE_CORPUS");
  ASSERT_NE(dir, nullptr);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(std::filesystem::path(dir) / name, std::ios::binary) << bytes;
  };
  const Picture rgb = Synthetic(48, 32, 3, 0);
  const Picture gray = Synthetic(40, 24, 1, 1);
  write("rgb.png", EncodePng(rgb));
  write("gray.png", EncodePng(gray));
  write("rgb.jpg", EncodeJpeg(rgb, 70));
  write("gray.jpg", EncodeJpeg(gray, 70));
  write("rgb.webp", EncodeWebp(rgb, 60));
  write("gray.gif", EncodeGif(gray, false));
  write("interlaced.gif", EncodeGif(gray, true));
  write("qr.png", EncodePng(QrPicture("bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 2)));
  const std::string exif = CameraExif({});
  write("exif_gps.jpg", SpliceApp1(EncodeJpeg(Synthetic(16, 16, 3, 0), 50), exif));
  GpsSpec zero;
  zero.lat = {{55, 0}, {45, 0}, {0, 0}};
  write("exif_gps_zero_denominator.jpg",
        SpliceApp1(EncodeJpeg(Synthetic(16, 16, 3, 0), 50), CameraExif(zero)));
  write("exif.png", WithPngExif(EncodePng(Synthetic(16, 16, 3, 0)), exif.substr(6)));
  write("exif.webp", WithWebpExif(EncodeWebp(Synthetic(16, 16, 3, 0), 50), 16, 16, exif.substr(6)));
  const std::string jpeg = EncodeJpeg(Synthetic(64, 64, 3, 1), 95);
  write("truncated.jpg", jpeg.substr(0, jpeg.size() * 4 / 5));  // inside the scan
  std::string ihdr = Be32(100000) + Be32(100000) + std::string("\x08\x02\x00\x00\x00", 5);
  write("huge_header.png",
        std::string("\x89PNG\r\n\x1A\n", 8) + PngChunk("IHDR", ihdr) +
            PngChunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) +
            PngChunk("IEND", ""));
}

}  // namespace
}  // namespace dragnet::identify
