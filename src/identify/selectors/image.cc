#include "identify/selectors/image.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <new>

#include <gif_lib.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <zbar.h>

namespace dragnet::identify {
namespace {

constexpr int kMaxJpegDecodeWidth = 1024;
constexpr size_t kMaxQrTexts = 16;
constexpr size_t kMaxExifValueBytes = 256;
constexpr size_t kMaxExifBytes = 1 << 20;  // JPEG caps EXIF at 64 KiB; PNG and WebP do not
constexpr int kMaxGifRecords = 4096;       // extension records before the first frame
constexpr double kMaxAltitudeMetres = 100'000;

// An 8-bit luma raster, rows top-down without padding.
struct Gray {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

void AddAnomaly(ImageFacts& facts, std::string_view id) {
  for (const auto& a : facts.anomalies) {
    if (a == id)
      return;
  }
  facts.anomalies.emplace_back(id);
}

bool TooLarge(uint64_t width, uint64_t height, uint64_t max_pixels) {
  return width * height > max_pixels;  // each is below 2^32, so the product fits
}

// JPEG's luma (ITU-R BT.601 weights on gamma-encoded values), with libjpeg's 16-bit fixed point.
uint8_t Luma(unsigned r, unsigned g, unsigned b) {
  return static_cast<uint8_t>((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
}

// Composites `value` with alpha `a` onto white.
uint8_t OnWhite(unsigned value, unsigned a) {
  return static_cast<uint8_t>((value * a + 255 * (255 - a) + 127) / 255);
}

uint16_t Be16(const unsigned char* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t Be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// ---------------------------------------------------------------------------------------------
// Locating the EXIF block (a TIFF structure, optionally behind the "Exif\0\0" header).

constexpr std::string_view kExifHeader("Exif\0\0", 6);

// JPEG (ITU-T T.81 annex B, EXIF 2.3 section 4.5.4): the APP1 segment whose payload starts with
// "Exif\0\0", before the first SOS.
std::string_view FindJpegExif(std::string_view bytes) {
  const unsigned char* p = Bytes(bytes);
  size_t pos = 2;  // after SOI
  while (pos + 4 <= bytes.size()) {
    if (p[pos] != 0xFF)
      break;
    const unsigned char marker = p[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      pos += 2;  // markers without a length
      continue;
    }
    if (marker == 0xDA || marker == 0xD9)  // SOS, EOI: no metadata after this
      break;
    const size_t length = Be16(p + pos + 2);
    if (length < 2)
      break;
    std::string_view segment = bytes.substr(pos + 4, length - 2);  // clipped at the end
    if (marker == 0xE1 && segment.substr(0, kExifHeader.size()) == kExifHeader)
      return segment;
    pos += 2 + length;
  }
  return {};
}

// PNG 1.2 extension / PNG third edition section 11.3.3.6: the eXIf chunk holds the TIFF data.
std::string_view FindPngExif(std::string_view bytes) {
  const unsigned char* p = Bytes(bytes);
  size_t pos = 8;  // after the signature
  while (pos + 12 <= bytes.size()) {
    const size_t length = Be32(p + pos);
    if (length > bytes.size() - pos - 12)
      break;
    std::string_view type = bytes.substr(pos + 4, 4);
    if (type == "eXIf")
      return bytes.substr(pos + 8, length);
    if (type == "IEND")
      break;
    pos += 12 + length;
  }
  return {};
}

// WebP container (RIFF, "Extended file format"): the EXIF chunk.
std::string_view FindWebpExif(std::string_view bytes) {
  const unsigned char* p = Bytes(bytes);
  size_t pos = 12;  // after "RIFF" size "WEBP"
  while (pos + 8 <= bytes.size()) {
    const size_t length = Le32(p + pos + 4);
    if (bytes.substr(pos, 4) == "EXIF")
      return bytes.substr(pos + 8, length);  // clipped at the end
    if (length > bytes.size() - pos - 8)
      break;
    pos += 8 + length + (length & 1);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Reading EXIF with libexif.

std::optional<std::string> TextValue(const ExifEntry* e) {
  if (e == nullptr || e->data == nullptr || e->size == 0 ||
      (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED)) {
    return std::nullopt;
  }
  std::string_view v(reinterpret_cast<const char*>(e->data), e->size);
  v = v.substr(0, v.find('\0'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n'))
    v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n'))
    v.remove_prefix(1);
  if (v.empty())
    return std::nullopt;
  return std::string(v.substr(0, kMaxExifValueBytes));
}

enum class GpsValue { kAbsent, kBad, kOk };

// GPSLatitude/GPSLongitude: three RATIONALs (degrees, minutes, seconds) and an ASCII ref
// (EXIF 2.3 section 4.6.6). A missing ref counts as N/E.
GpsValue ReadCoordinate(ExifContent* gps, ExifByteOrder order, int ref_tag, int value_tag,
                        char positive, char negative, double limit, double& out) {
  const ExifEntry* value = exif_content_get_entry(gps, static_cast<ExifTag>(value_tag));
  const ExifEntry* ref = exif_content_get_entry(gps, static_cast<ExifTag>(ref_tag));
  if (value == nullptr)
    return GpsValue::kAbsent;
  if (value->format != EXIF_FORMAT_RATIONAL || value->components < 3 || value->data == nullptr ||
      value->size < 3 * 8) {
    return GpsValue::kBad;
  }
  double parts[3];
  for (int i = 0; i < 3; ++i) {
    const ExifRational q = exif_get_rational(value->data + 8 * i, order);
    if (q.denominator == 0)
      return GpsValue::kBad;
    parts[i] = static_cast<double>(q.numerator) / q.denominator;
  }
  double degrees = parts[0] + parts[1] / 60 + parts[2] / 3600;
  if (!std::isfinite(degrees) || degrees > limit)
    return GpsValue::kBad;
  if (ref != nullptr) {
    const std::optional<std::string> r = TextValue(ref);
    const char c = r ? static_cast<char>(r->front() & ~0x20) : '\0';  // upper-case
    if (c == negative)
      degrees = -degrees;
    else if (c != positive)
      return GpsValue::kBad;
  }
  out = degrees;
  return GpsValue::kOk;
}

// GPSAltitude: one RATIONAL in metres; GPSAltitudeRef BYTE 1 = below sea level.
GpsValue ReadAltitude(ExifContent* gps, ExifByteOrder order, double& out) {
  const ExifEntry* value = exif_content_get_entry(gps, static_cast<ExifTag>(EXIF_TAG_GPS_ALTITUDE));
  if (value == nullptr)
    return GpsValue::kAbsent;
  if (value->format != EXIF_FORMAT_RATIONAL || value->components < 1 || value->data == nullptr ||
      value->size < 8) {
    return GpsValue::kBad;
  }
  const ExifRational q = exif_get_rational(value->data, order);
  if (q.denominator == 0)
    return GpsValue::kBad;
  double metres = static_cast<double>(q.numerator) / q.denominator;
  if (!std::isfinite(metres) || metres > kMaxAltitudeMetres)
    return GpsValue::kBad;
  const ExifEntry* ref =
      exif_content_get_entry(gps, static_cast<ExifTag>(EXIF_TAG_GPS_ALTITUDE_REF));
  if (ref != nullptr && ref->data != nullptr && ref->size >= 1 && ref->data[0] == 1)
    metres = -metres;
  out = metres;
  return GpsValue::kOk;
}

void ReadGps(ExifContent* gps, ExifByteOrder order, ImageFacts& out) {
  if (gps == nullptr || gps->count == 0)
    return;
  double lat = 0, lon = 0, alt = 0;
  const GpsValue lat_state = ReadCoordinate(gps, order, EXIF_TAG_GPS_LATITUDE_REF,
                                            EXIF_TAG_GPS_LATITUDE, 'N', 'S', 90, lat);
  const GpsValue lon_state = ReadCoordinate(gps, order, EXIF_TAG_GPS_LONGITUDE_REF,
                                            EXIF_TAG_GPS_LONGITUDE, 'E', 'W', 180, lon);
  if (lat_state == GpsValue::kOk && lon_state == GpsValue::kOk) {
    if (lat == 0 && lon == 0) {
      AddAnomaly(out, "exif.gps_zero");
    } else {
      out.latitude = lat;
      out.longitude = lon;
    }
  } else if (lat_state != GpsValue::kAbsent || lon_state != GpsValue::kAbsent) {
    AddAnomaly(out, "exif.bad_gps");  // a bad value, or one coordinate without the other
  }
  switch (ReadAltitude(gps, order, alt)) {
    case GpsValue::kOk:
      out.altitude = alt;
      break;
    case GpsValue::kBad:
      AddAnomaly(out, "exif.bad_gps");
      break;
    case GpsValue::kAbsent:
      break;
  }
}

void ReadExif(std::string_view block, ImageFacts& out) {
  block = block.substr(0, kMaxExifBytes);
  std::string with_header;
  if (block.substr(0, kExifHeader.size()) != kExifHeader) {
    // A bare TIFF structure (PNG eXIf, most WebP EXIF chunks): libexif wants the header.
    with_header.reserve(kExifHeader.size() + block.size());
    with_header.append(kExifHeader).append(block);
    block = with_header;
  }
  ExifData* ed = exif_data_new();
  if (ed == nullptr)
    return;
  // Read the tags as written: following the specification would make libexif add the
  // mandatory tags it finds missing, with default values (the current time, for dates).
  exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(ed, Bytes(block), static_cast<unsigned int>(block.size()));
  unsigned entries = 0;
  for (ExifContent* content : ed->ifd)
    entries += content != nullptr ? content->count : 0;
  if (entries == 0) {
    AddAnomaly(out, "exif.corrupt");
    exif_data_unref(ed);
    return;
  }
  const ExifByteOrder order = exif_data_get_byte_order(ed);
  ExifContent* ifd0 = ed->ifd[EXIF_IFD_0];
  ExifContent* exif = ed->ifd[EXIF_IFD_EXIF];
  auto text = [&](const char* name, ExifContent* content, ExifTag tag) {
    if (content == nullptr)
      return;
    if (auto v = TextValue(exif_content_get_entry(content, tag)))
      out.exif.emplace_back(name, std::move(*v));
  };
  text("make", ifd0, EXIF_TAG_MAKE);
  text("model", ifd0, EXIF_TAG_MODEL);
  text("software", ifd0, EXIF_TAG_SOFTWARE);
  text("datetime_original", exif, EXIF_TAG_DATE_TIME_ORIGINAL);
  if (ifd0 != nullptr) {
    const ExifEntry* e = exif_content_get_entry(ifd0, EXIF_TAG_ORIENTATION);
    if (e != nullptr && e->format == EXIF_FORMAT_SHORT && e->data != nullptr && e->size >= 2) {
      const ExifShort v = exif_get_short(e->data, order);
      if (v >= 1 && v <= 8)
        out.exif.emplace_back("orientation", std::to_string(v));
    }
  }
  text("lens", exif, EXIF_TAG_LENS_MODEL);
  text("serial", exif, EXIF_TAG_BODY_SERIAL_NUMBER);
  text("artist", ifd0, EXIF_TAG_ARTIST);
  ReadGps(ed->ifd[EXIF_IFD_GPS], order, out);
  exif_data_unref(ed);
}

// ---------------------------------------------------------------------------------------------
// Decoding to luma. Each decoder sets out.width/height from the header, checks the pixel cap
// before allocating, and leaves `gray` empty when it has no pixels to offer.

// Whether a JPEG stops early: a marker segment runs past the end, the data ends before the
// first SOS, or no EOI follows it. libjpeg's messages tell truncation apart only inside the
// entropy-coded data ("Premature end of JPEG file").
bool JpegEndsEarly(std::string_view bytes) {
  const unsigned char* p = Bytes(bytes);
  size_t pos = 2;
  while (true) {
    if (pos + 4 > bytes.size())
      return true;
    if (p[pos] != 0xFF)
      return false;  // garbage between segments: corrupt, not short
    const unsigned char marker = p[pos + 1];
    if (marker == 0xFF || marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      pos += marker == 0xFF ? 1 : 2;
      continue;
    }
    if (marker == 0xD9)
      return false;
    const size_t length = Be16(p + pos + 2);
    if (pos + 2 + length > bytes.size())
      return true;
    if (marker == 0xDA)
      return bytes.find("\xFF\xD9", pos + 2 + length) == std::string_view::npos;
    if (length < 2)
      return false;
    pos += 2 + length;
  }
}

void DecodeJpeg(std::string_view bytes, uint64_t max_pixels, ImageFacts& out, Gray& gray) {
  tjhandle tj = tjInitDecompress();
  if (tj == nullptr)
    return;
  const unsigned char* data = Bytes(bytes);
  const unsigned long size = bytes.size();
  auto report = [&] {
    const std::string_view message = tjGetErrorStr2(tj);
    const bool truncated =
        message.find("Premature end") != std::string_view::npos || JpegEndsEarly(bytes);
    AddAnomaly(out, truncated ? "image.truncated" : "image.corrupt");
  };
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj, data, size, &width, &height, &subsampling, &colorspace) != 0) {
    report();
    tjDestroy(tj);
    return;
  }
  out.width = width;
  out.height = height;
  if (width <= 0 || height <= 0) {  // a tables-only stream
    AddAnomaly(out, JpegEndsEarly(bytes) ? "image.truncated" : "image.corrupt");
  } else if (TooLarge(width, height, max_pixels)) {
    AddAnomaly(out, "image.too_large");
  } else if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) {
    AddAnomaly(out, "image.unsupported");  // libjpeg has no CMYK to gray conversion
  } else {
    // The largest DCT scaling factor (n/8, at most 1) that brings the width to 1024 or less:
    // enough for hashing and QR codes, and 1/4 to 1/16 of the work on a camera photo.
    int count = 0;
    const tjscalingfactor* factors = tjGetScalingFactors(&count);
    tjscalingfactor best{1, 8};
    for (int i = 0; factors != nullptr && i < count; ++i) {
      const tjscalingfactor f = factors[i];
      if (f.num > f.denom || TJSCALED(width, f) > kMaxJpegDecodeWidth)
        continue;
      if (f.num * best.denom > best.num * f.denom)
        best = f;
    }
    gray.width = TJSCALED(width, best);
    gray.height = TJSCALED(height, best);
    gray.pixels.resize(static_cast<size_t>(gray.width) * gray.height);
    // LIMITSCANS: refuse progressive files with absurd scan counts (a CPU bomb).
    if (tjDecompress2(tj, data, size, gray.pixels.data(), gray.width, 0, gray.height, TJPF_GRAY,
                      TJFLAG_LIMITSCANS) != 0) {
      report();
      if (tjGetErrorCode(tj) != TJERR_WARNING)
        gray = Gray{};  // fatal: nothing trustworthy was decoded
    }
  }
  tjDestroy(tj);
}

void DecodePng(std::string_view bytes, uint64_t max_pixels, ImageFacts& out, Gray& gray) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  auto report = [&] {
    const std::string_view message = image.message;
    AddAnomaly(out, message.find("end of data") != std::string_view::npos ? "image.truncated"
                                                                          : "image.corrupt");
  };
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    report();
    png_image_free(&image);
    // The size, when a complete IHDR came first (PNG section 11.2.2).
    if (bytes.size() >= 24 && bytes.substr(12, 4) == "IHDR") {
      const uint32_t width = Be32(Bytes(bytes) + 16), height = Be32(Bytes(bytes) + 20);
      if (width <= INT32_MAX && height <= INT32_MAX) {
        out.width = static_cast<int>(width);
        out.height = static_cast<int>(height);
      }
    }
    return;
  }
  out.width = static_cast<int>(std::min<png_uint_32>(image.width, INT32_MAX));
  out.height = static_cast<int>(std::min<png_uint_32>(image.height, INT32_MAX));
  if (TooLarge(image.width, image.height, max_pixels)) {
    AddAnomaly(out, "image.too_large");
    png_image_free(&image);
    return;
  }
  // Colour images come as RGB and get JPEG's luma below: libpng's own gray conversion works in
  // linear light and would hash a colour PNG differently from the same picture as JPEG.
  const bool color = (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
  const int channels = color ? 3 : 1;
  image.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  const size_t w = image.width, h = image.height;
  std::vector<uint8_t> buffer(w * h * channels);
  const png_color white{255, 255, 255};  // transparent pixels composited onto white
  if (png_image_finish_read(&image, &white, buffer.data(), static_cast<png_int_32>(w * channels),
                            nullptr) == 0) {
    report();
    png_image_free(&image);
    return;
  }
  png_image_free(&image);
  gray.width = static_cast<int>(w);
  gray.height = static_cast<int>(h);
  if (!color) {
    gray.pixels = std::move(buffer);
    return;
  }
  gray.pixels.resize(w * h);
  for (size_t i = 0; i < w * h; ++i)
    gray.pixels[i] = Luma(buffer[3 * i], buffer[3 * i + 1], buffer[3 * i + 2]);
}

void DecodeWebp(std::string_view bytes, uint64_t max_pixels, ImageFacts& out, Gray& gray) {
  const uint8_t* data = Bytes(bytes);
  auto report = [&](VP8StatusCode status) {
    AddAnomaly(out, status == VP8_STATUS_NOT_ENOUGH_DATA ? "image.truncated" : "image.corrupt");
  };
  WebPDecoderConfig config;
  if (WebPInitDecoderConfig(&config) == 0)
    return;
  const VP8StatusCode features = WebPGetFeatures(data, bytes.size(), &config.input);
  if (features != VP8_STATUS_OK) {
    report(features);
    return;
  }
  out.width = config.input.width;
  out.height = config.input.height;
  if (out.width <= 0 || out.height <= 0) {
    AddAnomaly(out, "image.corrupt");
    return;
  }
  if (TooLarge(out.width, out.height, max_pixels)) {
    AddAnomaly(out, "image.too_large");
    return;
  }
  if (config.input.has_animation != 0) {
    AddAnomaly(out, "image.unsupported");  // frames need libwebpdemux
    return;
  }
  const bool alpha = config.input.has_alpha != 0;
  const size_t channels = alpha ? 4 : 3;
  const size_t w = out.width, h = out.height;
  std::vector<uint8_t> buffer(w * h * channels);
  config.output.colorspace = alpha ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = buffer.data();
  config.output.u.RGBA.stride = static_cast<int>(w * channels);
  config.output.u.RGBA.size = buffer.size();
  const VP8StatusCode status = WebPDecode(data, bytes.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (status != VP8_STATUS_OK) {
    report(status);
    return;
  }
  gray.width = out.width;
  gray.height = out.height;
  gray.pixels.resize(w * h);
  for (size_t i = 0; i < w * h; ++i) {
    const uint8_t* p = &buffer[i * channels];
    const uint8_t y = Luma(p[0], p[1], p[2]);
    gray.pixels[i] = alpha ? OnWhite(y, p[3]) : y;
  }
}

struct GifSource {
  const unsigned char* data;
  size_t left;
};

int ReadGifBytes(GifFileType* gif, GifByteType* buffer, int wanted) {
  auto* source = static_cast<GifSource*>(gif->UserData);
  const size_t n = std::min(static_cast<size_t>(std::max(wanted, 0)), source->left);
  std::memcpy(buffer, source->data, n);
  source->data += n;
  source->left -= n;
  return static_cast<int>(n);
}

// The first frame of a GIF (GIF89a specification), painted on a white canvas of the logical
// screen size. DGifSlurp is not used: it would allocate and decode every frame.
void DecodeGif(std::string_view bytes, uint64_t max_pixels, ImageFacts& out, Gray& gray) {
  GifSource source{Bytes(bytes), bytes.size()};
  int error = 0;
  GifFileType* gif = DGifOpen(&source, ReadGifBytes, &error);
  auto report = [&](int code) {
    AddAnomaly(out, code == D_GIF_ERR_READ_FAILED || code == D_GIF_ERR_EOF_TOO_SOON
                        ? "image.truncated"
                        : "image.corrupt");
  };
  if (gif == nullptr) {
    report(error);
    return;
  }
  out.width = gif->SWidth;
  out.height = gif->SHeight;
  int transparent = -1;
  bool done = false;
  if (out.width <= 0 || out.height <= 0) {
    AddAnomaly(out, "image.corrupt");
    done = true;
  } else if (TooLarge(out.width, out.height, max_pixels)) {
    AddAnomaly(out, "image.too_large");
    done = true;
  }
  for (int record = 0; !done && record < kMaxGifRecords; ++record) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) {
      report(gif->Error);
      break;
    }
    if (type == TERMINATE_RECORD_TYPE) {
      AddAnomaly(out, "image.corrupt");  // no frame at all
      break;
    }
    if (type == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* block = nullptr;
      if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) {
        report(gif->Error);
        break;
      }
      GraphicsControlBlock gcb;
      if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr && block[0] == 4 &&
          DGifExtensionToGCB(4, block + 1, &gcb) == GIF_OK) {
        transparent = gcb.TransparentColor;
      }
      bool failed = false;
      while (block != nullptr && !failed)
        failed = DGifGetExtensionNext(gif, &block) == GIF_ERROR;
      if (failed) {
        report(gif->Error);
        break;
      }
      continue;
    }
    if (type != IMAGE_DESC_RECORD_TYPE)
      continue;
    done = true;
    if (DGifGetImageDesc(gif) == GIF_ERROR) {
      report(gif->Error);
      break;
    }
    const GifImageDesc& frame = gif->Image;
    if (frame.Width <= 0 || frame.Height <= 0) {
      AddAnomaly(out, "image.corrupt");
      break;
    }
    if (TooLarge(frame.Width, frame.Height, max_pixels)) {
      AddAnomaly(out, "image.too_large");
      break;
    }
    const ColorMapObject* map = frame.ColorMap != nullptr ? frame.ColorMap : gif->SColorMap;
    std::array<uint8_t, 256> lut;
    for (int i = 0; i < 256; ++i) {
      if (map != nullptr && map->Colors != nullptr && i < map->ColorCount) {
        const GifColorType& c = map->Colors[i];
        lut[i] = Luma(c.Red, c.Green, c.Blue);
      } else {
        lut[i] = static_cast<uint8_t>(i);  // no palette: read indexes as gray levels
      }
    }
    if (transparent >= 0 && transparent < 256)
      lut[transparent] = 255;
    // Row order: four interlace passes, or top to bottom.
    std::vector<int> rows;
    rows.reserve(frame.Height);
    if (frame.Interlace) {
      static constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
      for (int pass = 0; pass < 4; ++pass) {
        for (int y = kStart[pass]; y < frame.Height; y += kStep[pass])
          rows.push_back(y);
      }
    } else {
      for (int y = 0; y < frame.Height; ++y)
        rows.push_back(y);
    }
    gray.width = out.width;
    gray.height = out.height;
    gray.pixels.assign(static_cast<size_t>(gray.width) * gray.height, 255);
    std::vector<GifPixelType> line(frame.Width);
    for (int row : rows) {
      if (DGifGetLine(gif, line.data(), frame.Width) == GIF_ERROR) {
        report(gif->Error);  // the rows decoded so far are kept
        break;
      }
      const int64_t y = int64_t{frame.Top} + row;
      if (y < 0 || y >= gray.height)
        continue;
      uint8_t* dst = &gray.pixels[static_cast<size_t>(y) * gray.width];
      for (int x = 0; x < frame.Width; ++x) {
        const int64_t cx = int64_t{frame.Left} + x;
        if (cx >= 0 && cx < gray.width)
          dst[cx] = lut[line[x]];
      }
    }
  }
  DGifCloseFile(gif, &error);
}

// ---------------------------------------------------------------------------------------------
// Perceptual hash. Hand-written: no Debian package gives a stable 64-bit pHash (libphash is not
// in Debian 12). The steps, all in double and in a fixed order so that every machine gets the
// same bits:
//  1. Area-average the luma down to 32x32 (exact box filter, fractional pixel coverage).
//  2. Orthonormal 2-D DCT-II of the 32x32 block, only the 8x8 lowest frequencies.
//  3. Round each coefficient to 1/4096, so that last-bit differences between C libraries'
//     cos() cannot flip a bit (and a flat image gives exact zeros rather than noise).
//  4. Threshold: the median of the 63 AC coefficients (DC excluded: it is the mean brightness
//     and would drag the median); bit = coefficient > median, for all 64 including DC.
//  5. Bit 63 (the most significant) is coefficient (0,0); bit 63 - (8u + v) is vertical
//     frequency u, horizontal frequency v.

constexpr int kSmall = 32;
constexpr int kLow = 8;

// For each source pixel i of an axis of n pixels, the 32 output cells it overlaps with weights.
// Pixel i spans [32 i, 32 i + 32) and cell c spans [n c, n c + n) in units of 1/(32 n) of the
// axis; the weight is the overlap divided by n, so each cell's weights sum to 1.
struct AxisWeight {
  int src;
  int cell;
  double weight;
};

std::vector<AxisWeight> AxisWeights(int n) {
  std::vector<AxisWeight> weights;
  weights.reserve(static_cast<size_t>(n) + kSmall);
  const int64_t n64 = n;
  for (int i = 0; i < n; ++i) {
    const int64_t begin = int64_t{kSmall} * i, end = begin + kSmall;
    for (int64_t c = begin / n64; c < kSmall && c * n64 < end; ++c) {
      const int64_t overlap = std::min(end, (c + 1) * n64) - std::max(begin, c * n64);
      if (overlap > 0) {
        weights.push_back(
            {i, static_cast<int>(c), static_cast<double>(overlap) / static_cast<double>(n64)});
      }
    }
  }
  return weights;
}

const std::array<double, kLow * kSmall>& DctTable() {
  static const std::array<double, kLow* kSmall> table = [] {
    std::array<double, kLow * kSmall> t{};
    const double pi = std::acos(-1.0);
    for (int u = 0; u < kLow; ++u) {
      const double scale = u == 0 ? std::sqrt(1.0 / kSmall) : std::sqrt(2.0 / kSmall);
      for (int x = 0; x < kSmall; ++x)
        t[u * kSmall + x] = scale * std::cos(pi * (2 * x + 1) * u / (2.0 * kSmall));
    }
    return t;
  }();
  return table;
}

uint64_t ComputePhash(const Gray& gray) {
  // 1. Area average: rows reduced to 32 columns one at a time, then added into their cells.
  const std::vector<AxisWeight> xw = AxisWeights(gray.width);
  const std::vector<AxisWeight> yw = AxisWeights(gray.height);
  std::array<double, kSmall * kSmall> small{};
  std::array<double, kSmall> row{};
  size_t next_y = 0;
  for (int y = 0; y < gray.height; ++y) {
    row.fill(0);
    const uint8_t* src = &gray.pixels[static_cast<size_t>(y) * gray.width];
    for (const AxisWeight& w : xw)
      row[w.cell] += w.weight * src[w.src];
    for (; next_y < yw.size() && yw[next_y].src == y; ++next_y) {
      double* cell_row = &small[yw[next_y].cell * kSmall];
      for (int c = 0; c < kSmall; ++c)
        cell_row[c] += yw[next_y].weight * row[c];
    }
  }
  // 2. DCT: horizontal frequencies of each row, then vertical.
  const auto& cos_table = DctTable();
  std::array<double, kSmall * kLow> horizontal{};
  for (int y = 0; y < kSmall; ++y) {
    for (int v = 0; v < kLow; ++v) {
      double sum = 0;
      for (int x = 0; x < kSmall; ++x)
        sum += cos_table[v * kSmall + x] * small[y * kSmall + x];
      horizontal[y * kLow + v] = sum;
    }
  }
  // 3. Coefficients rounded to 1/4096 (at most 8160 * 4096 in magnitude).
  std::array<int64_t, kLow * kLow> coefficients{};
  for (int u = 0; u < kLow; ++u) {
    for (int v = 0; v < kLow; ++v) {
      double sum = 0;
      for (int y = 0; y < kSmall; ++y)
        sum += cos_table[u * kSmall + y] * horizontal[y * kLow + v];
      coefficients[u * kLow + v] = std::llround(sum * 4096);
    }
  }
  // 4. Median of the 63 AC terms (the 32nd smallest).
  std::array<int64_t, kLow * kLow - 1> ac;
  std::copy(coefficients.begin() + 1, coefficients.end(), ac.begin());
  std::nth_element(ac.begin(), ac.begin() + ac.size() / 2, ac.end());
  const int64_t median = ac[ac.size() / 2];
  // 5. Bits, (0,0) first.
  uint64_t hash = 0;
  for (int k = 0; k < kLow * kLow; ++k) {
    if (coefficients[k] > median)
      hash |= uint64_t{1} << (63 - k);
  }
  return hash;
}

// ---------------------------------------------------------------------------------------------
// QR codes with zbar, on the decoded luma (format "Y800" is 8-bit gray, no copy). In C++,
// zbar.h declares its C API in namespace zbar.

void ScanQr(const Gray& gray, ImageFacts& out) {
  zbar::zbar_image_scanner_t* scanner = zbar::zbar_image_scanner_create();
  if (scanner == nullptr)
    return;
  // QR only: the 1-D symbologies (EAN, Code 128...) misfire on photo texture and carry nothing
  // an analyst needs here.
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
  zbar::zbar_image_t* image = zbar::zbar_image_create();
  if (image == nullptr) {
    zbar::zbar_image_scanner_destroy(scanner);
    return;
  }
  zbar::zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(image, static_cast<unsigned>(gray.width),
                            static_cast<unsigned>(gray.height));
  zbar::zbar_image_set_data(image, gray.pixels.data(), gray.pixels.size(), nullptr);
  if (zbar::zbar_scan_image(scanner, image) > 0) {
    for (const zbar::zbar_symbol_t* s = zbar::zbar_image_first_symbol(image);
         s != nullptr && out.qr.size() < kMaxQrTexts; s = zbar::zbar_symbol_next(s)) {
      const char* data = zbar::zbar_symbol_get_data(s);
      if (data == nullptr)
        continue;
      std::string text(data, zbar::zbar_symbol_get_data_length(s));
      if (!text.empty() && std::find(out.qr.begin(), out.qr.end(), text) == out.qr.end())
        out.qr.push_back(std::move(text));
    }
  }
  zbar::zbar_image_destroy(image);
  zbar::zbar_image_scanner_destroy(scanner);
}

}  // namespace

std::string_view SniffImageFormat(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF")
    return "jpeg";
  if (bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n")
    return "png";
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP")
    return "webp";
  if (bytes.size() >= 6 && (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a"))
    return "gif";
  return "";
}

int PhashDistance(uint64_t a, uint64_t b) {
  return __builtin_popcountll(a ^ b);
}

std::string PhashHex(uint64_t phash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i, phash >>= 4)
    hex[i] = kDigits[phash & 0xF];
  return hex;
}

void AnalyzeImage(std::string_view bytes, ImageFacts& out, uint64_t max_pixels) {
  out = ImageFacts{};
  try {
    const std::string_view format = SniffImageFormat(bytes);
    if (format.empty())
      return;
    out.format = std::string(format);
    // EXIF first: it needs no pixels and survives a broken or oversized image.
    std::string_view exif;
    if (format == "jpeg")
      exif = FindJpegExif(bytes);
    else if (format == "png")
      exif = FindPngExif(bytes);
    else if (format == "webp")
      exif = FindWebpExif(bytes);
    if (!exif.empty())
      ReadExif(exif, out);

    Gray gray;
    if (format == "jpeg")
      DecodeJpeg(bytes, max_pixels, out, gray);
    else if (format == "png")
      DecodePng(bytes, max_pixels, out, gray);
    else if (format == "webp")
      DecodeWebp(bytes, max_pixels, out, gray);
    else
      DecodeGif(bytes, max_pixels, out, gray);
    if (gray.width <= 0 || gray.height <= 0 ||
        gray.pixels.size() != static_cast<size_t>(gray.width) * gray.height) {
      return;
    }
    out.phash = ComputePhash(gray);
    ScanQr(gray, out);
  } catch (const std::bad_alloc&) {
    out.phash.reset();
    AddAnomaly(out, "image.too_large");
  } catch (const std::exception&) {
    out.phash.reset();
    AddAnomaly(out, "image.corrupt");
  }
}

void AppendImageJson(const ImageFacts& facts, JsonWriter& w) {
  w.BeginObject();
  w.Field("format", facts.format);
  w.FieldInt("width", facts.width);
  w.FieldInt("height", facts.height);
  if (!facts.exif.empty()) {
    w.Key("exif");
    w.BeginObject();
    for (const auto& [key, value] : facts.exif)
      w.Field(key, value);
    w.EndObject();
  }
  if (facts.latitude || facts.longitude || facts.altitude) {
    w.Key("gps");
    w.BeginObject();
    if (facts.latitude)
      w.FieldDouble("lat", *facts.latitude);
    if (facts.longitude)
      w.FieldDouble("lon", *facts.longitude);
    if (facts.altitude)
      w.FieldDouble("alt", *facts.altitude);
    w.EndObject();
  }
  if (facts.phash)
    w.Field("phash", PhashHex(*facts.phash));
  if (!facts.qr.empty()) {
    w.Key("qr");
    w.BeginArray();
    for (const auto& text : facts.qr)
      w.String(text);
    w.EndArray();
  }
  if (!facts.anomalies.empty()) {
    w.Key("anomalies");
    w.BeginArray();
    for (const auto& id : facts.anomalies)
      w.String(id);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace dragnet::identify
