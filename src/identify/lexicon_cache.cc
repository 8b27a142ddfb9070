#include "identify/lexicon_cache.h"

#include <climits>
#include <cstdint>
#include <cstring>
#include <limits>
#include <system_error>
#include <type_traits>

#include <unicode/uversion.h>

#include "core/file.h"
#include "core/hash.h"

// Set by src/identify/CMakeLists.txt: a digest of lexicon_loader.cc, lexicon.h and this file,
// so that a changed loader or layout never reads a cache an older one wrote.
#ifndef DRAGNET_LEXICON_CODE
#define DRAGNET_LEXICON_CODE "unversioned"
#endif

namespace dragnet::identify {
namespace {

constexpr std::string_view kMagic = "dragnet-lexicon\n";
constexpr size_t kCachesKept = 4;

// A hand-written length-prefixed encoding: the lexicon is plain structs of strings and numbers,
// and no serialisation library in Debian would save more code than it costs to wire up. One
// list of fields (Fields below) serves both directions, so they cannot drift apart.
class Writer {
 public:
  void operator()(uint64_t v) {
    char bytes[8];
    std::memcpy(bytes, &v, 8);
    out_.append(bytes, 8);
  }
  void operator()(const int& v) { (*this)(static_cast<uint64_t>(static_cast<int64_t>(v))); }
  void operator()(const int64_t& v) { (*this)(static_cast<uint64_t>(v)); }
  void operator()(const std::string& s) {
    (*this)(uint64_t{s.size()});
    out_.append(s);
  }
  template <typename Enum>
  requires std::is_enum_v<Enum>
  void operator()(const Enum& e) { (*this)(static_cast<uint64_t>(e)); }
  // A vector: its size, then each item as `each` writes it.
  template <typename T, typename Each>
  void Items(const std::vector<T>& items, size_t /*min_bytes*/, Each each) {
    (*this)(uint64_t{items.size()});
    for (const T& item : items)
      each(item);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every read checks the bytes left; the first failure sticks and the result is discarded.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == bytes_.size(); }

  void operator()(uint64_t& v) {
    v = 0;
    if (!ok_ || bytes_.size() - pos_ < 8) {
      ok_ = false;
      return;
    }
    std::memcpy(&v, bytes_.data() + pos_, 8);
    pos_ += 8;
  }
  void operator()(int64_t& v) {
    uint64_t u = 0;
    (*this)(u);
    v = static_cast<int64_t>(u);
  }
  void operator()(int& v) {
    int64_t wide = 0;
    (*this)(wide);
    ok_ = ok_ && wide >= INT32_MIN && wide <= INT32_MAX;
    v = ok_ ? static_cast<int>(wide) : 0;
  }
  void operator()(std::string& s) {
    size_t n = Count(1);
    s.assign(ok_ ? bytes_.substr(pos_, n) : std::string_view());
    pos_ += n;
  }
  template <typename Enum>
  requires std::is_enum_v<Enum>
  void operator()(Enum& e) {
    uint64_t v = 0;
    (*this)(v);
    // Within the underlying type here (no wrapping to a valid value); the enumerators' range is
    // checked after decoding (Valid).
    ok_ = ok_ && v <= std::numeric_limits<std::underlying_type_t<Enum>>::max();
    e = static_cast<Enum>(ok_ ? v : 0);
  }
  // A vector of items that each take at least `min_bytes`: a count larger than the bytes left
  // could hold fails before anything is reserved.
  template <typename T, typename Each>
  void Items(std::vector<T>& items, size_t min_bytes, Each each) {
    items.resize(Count(min_bytes));
    for (T& item : items)
      each(item);
  }

 private:
  size_t Count(size_t min_bytes) {
    uint64_t n = 0;
    (*this)(n);
    if (!ok_ || n > (bytes_.size() - pos_) / min_bytes) {
      ok_ = false;
      return 0;
    }
    return static_cast<size_t>(n);
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Every field of the lexicon but the index, which decoding rebuilds. `L` is Lexicon or const
// Lexicon; the minimum sizes are those of an item whose strings and lists are all empty.
template <typename Io, typename L>
void Fields(Io& io, L& lexicon) {
  auto strings = [&](auto& list) { io.Items(list, 8, [&](auto& s) { io(s); }); };
  auto source = [&](auto& s) {
    io(s.file);
    io(s.line);
  };
  strings(lexicon.files);
  io.Items(lexicon.instruments, 32, [&](auto& i) {
    io(i.id);
    io(i.name);
    io(i.jurisdiction);
    strings(i.lists);
  });
  io.Items(lexicon.substances, 104, [&](auto& s) {
    io(s.id);
    io(s.name);
    io(s.systematic);
    io(s.class_id);
    io(s.role);
    io(s.group);
    strings(s.leads_to);
    strings(s.cas);
    io(s.pubchem);
    io(s.inchikey);
    io.Items(s.status, 24, [&](auto& status) {
      io(status.instrument);
      io(status.list);
      io(status.since);
    });
    source(s.source);
  });
  io.Items(lexicon.names, 112, [&](auto& n) {
    io(n.text);
    io(n.lang);
    io(n.kind);
    io(n.script);
    io(n.ambiguity);
    io(n.target);
    io(n.substance);
    io(n.class_id);
    io.Items(n.candidates, 8, [&](auto& c) { io(c); });
    io(n.category);
    io(n.category_index);
    io(n.weight);
    source(n.source);
  });
}

// Indices and enums are used without checks downstream: a damaged one must not get through.
bool Valid(const Lexicon& lexicon) {
  const auto substances = static_cast<int>(lexicon.substances.size());
  for (const Name& n : lexicon.names) {
    if (n.ambiguity > Ambiguity::kHigh || n.target > Name::Target::kCategory || n.substance < -1 ||
        n.substance >= substances || n.category_index < -1 ||
        n.category_index >= static_cast<int>(kCategoryIds.size()))
      return false;
    for (int c : n.candidates) {
      if (c < 0 || c >= substances)
        return false;
    }
  }
  return true;
}

}  // namespace

std::filesystem::path LexiconCacheFile(const std::filesystem::path& cache_dir,
                                       std::string_view content_hash) {
  // ICU's version too: names' scripts come from its Unicode data.
  std::string key =
      Sha256Hex(std::string(content_hash) + '\0' + DRAGNET_LEXICON_CODE + '\0' + U_ICU_VERSION);
  return cache_dir / ("lexicon-" + key.substr(0, 32) + ".bin");
}

std::string EncodeLexicon(const Lexicon& lexicon) {
  Writer w;
  w(std::string(kMagic));
  w(std::string(DRAGNET_LEXICON_CODE));
  w(lexicon.content_hash);
  Fields(w, lexicon);
  w(std::string(kMagic));  // a trailer: a file cut short anywhere fails to decode
  return w.Take();
}

std::optional<Lexicon> DecodeLexicon(std::string_view bytes, std::string_view content_hash) {
  Reader r(bytes);
  std::string magic;
  std::string code;
  Lexicon lexicon;
  r(magic);
  r(code);
  r(lexicon.content_hash);
  if (!r.ok() || magic != kMagic || code != DRAGNET_LEXICON_CODE ||
      lexicon.content_hash != content_hash)
    return std::nullopt;
  Fields(r, lexicon);
  r(magic);
  if (!r.ok() || magic != kMagic || !r.AtEnd() || !Valid(lexicon))
    return std::nullopt;
  for (size_t i = 0; i < lexicon.substances.size(); ++i) {
    if (!lexicon.substance_index.emplace(lexicon.substances[i].id, static_cast<int>(i)).second)
      return std::nullopt;
  }
  return lexicon;
}

std::optional<Lexicon> ReadLexiconCache(const std::filesystem::path& file,
                                        std::string_view content_hash) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return std::nullopt;
  auto bytes = ReadFile(file);
  if (!bytes.has_value())
    return std::nullopt;
  return DecodeLexicon(*bytes, content_hash);
}

Status WriteLexiconCache(const std::filesystem::path& file, const Lexicon& lexicon) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return Internal("cannot create " + file.parent_path().string() + ": " + ec.message());
  DRAGNET_RETURN_IF_ERROR(WriteFileAtomic(file, EncodeLexicon(lexicon)));
  // Each edit of the lexicon or the loader keys a new file; keep the last few (a user switching
  // between two Dragnet versions or lexicon directories does not recompute every time).
  PruneCacheFiles(file, "lexicon-", ".bin", kCachesKept);
  return Status::Ok();
}

}  // namespace dragnet::identify
