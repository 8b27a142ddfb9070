#include "identify/lexicon_cache.h"

#include <cstdint>
#include <cstring>
#include <system_error>

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

// A hand-written length-prefixed encoding: the lexicon is plain structs of strings and numbers,
// and no serialisation library in Debian would save more code than it costs to wire up.
class Writer {
 public:
  void U64(uint64_t v) {
    char bytes[8];
    std::memcpy(bytes, &v, 8);
    out_.append(bytes, 8);
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  void Strs(const std::vector<std::string>& v) {
    U64(v.size());
    for (const std::string& s : v)
      Str(s);
  }
  void Source(const SourceLine& s) {
    Str(s.file);
    I64(s.line);
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

  uint64_t U64() {
    if (!ok_ || bytes_.size() - pos_ < 8) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    std::memcpy(&v, bytes_.data() + pos_, 8);
    pos_ += 8;
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  int Int() {
    int64_t v = I64();
    if (v < INT32_MIN || v > INT32_MAX)
      ok_ = false;
    return ok_ ? static_cast<int>(v) : 0;
  }
  // A count of items of at least `min_bytes` each: never more than the bytes left could hold,
  // so a damaged count cannot make a caller reserve gigabytes.
  size_t Count(size_t min_bytes) {
    uint64_t n = U64();
    if (!ok_ || n > (bytes_.size() - pos_) / min_bytes) {
      ok_ = false;
      return 0;
    }
    return static_cast<size_t>(n);
  }
  std::string Str() {
    size_t n = Count(1);
    if (!ok_)
      return {};
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count(8));
    for (std::string& s : v)
      s = Str();
    return v;
  }
  SourceLine Source() {
    SourceLine s;
    s.file = Str();
    s.line = Int();
    return s;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::filesystem::path LexiconCacheFile(const std::filesystem::path& cache_dir,
                                       std::string_view content_hash) {
  std::string key = Sha256Hex(std::string(content_hash) + '\0' + DRAGNET_LEXICON_CODE);
  return cache_dir / ("lexicon-" + key.substr(0, 32) + ".bin");
}

std::string EncodeLexicon(const Lexicon& lexicon) {
  Writer w;
  w.Str(kMagic);
  w.Str(DRAGNET_LEXICON_CODE);
  w.Str(lexicon.content_hash);
  w.Strs(lexicon.files);
  w.U64(lexicon.instruments.size());
  for (const Instrument& i : lexicon.instruments) {
    w.Str(i.id);
    w.Str(i.name);
    w.Str(i.jurisdiction);
    w.Strs(i.lists);
  }
  w.U64(lexicon.substances.size());
  for (const Substance& s : lexicon.substances) {
    w.Str(s.id);
    w.Str(s.name);
    w.Str(s.systematic);
    w.Str(s.class_id);
    w.Str(s.role);
    w.Str(s.group);
    w.Strs(s.leads_to);
    w.Strs(s.cas);
    w.I64(s.pubchem);
    w.Str(s.inchikey);
    w.U64(s.status.size());
    for (const LegalStatus& status : s.status) {
      w.Str(status.instrument);
      w.Str(status.list);
      w.Str(status.since);
    }
    w.Source(s.source);
  }
  w.U64(lexicon.names.size());
  for (const Name& n : lexicon.names) {
    w.Str(n.text);
    w.Str(n.lang);
    w.Str(n.kind);
    w.Str(n.script);
    w.U64(static_cast<uint64_t>(n.ambiguity));
    w.U64(static_cast<uint64_t>(n.target));
    w.I64(n.substance);
    w.Str(n.class_id);
    w.U64(n.candidates.size());
    for (int c : n.candidates)
      w.I64(c);
    w.Str(n.category);
    w.I64(n.category_index);
    w.I64(n.weight);
    w.Source(n.source);
  }
  w.Str(kMagic);  // a trailer: a file cut short anywhere fails to decode
  return w.Take();
}

std::optional<Lexicon> DecodeLexicon(std::string_view bytes, std::string_view content_hash) {
  Reader r(bytes);
  if (r.Str() != kMagic || r.Str() != DRAGNET_LEXICON_CODE)
    return std::nullopt;
  Lexicon lexicon;
  lexicon.content_hash = r.Str();
  if (!r.ok() || lexicon.content_hash != content_hash)
    return std::nullopt;
  lexicon.files = r.Strs();
  lexicon.instruments.resize(r.Count(32));
  for (Instrument& i : lexicon.instruments) {
    i.id = r.Str();
    i.name = r.Str();
    i.jurisdiction = r.Str();
    i.lists = r.Strs();
  }
  lexicon.substances.resize(r.Count(96));
  for (Substance& s : lexicon.substances) {
    s.id = r.Str();
    s.name = r.Str();
    s.systematic = r.Str();
    s.class_id = r.Str();
    s.role = r.Str();
    s.group = r.Str();
    s.leads_to = r.Strs();
    s.cas = r.Strs();
    s.pubchem = r.I64();
    s.inchikey = r.Str();
    s.status.resize(r.Count(24));
    for (LegalStatus& status : s.status) {
      status.instrument = r.Str();
      status.list = r.Str();
      status.since = r.Str();
    }
    s.source = r.Source();
  }
  const auto substances = static_cast<int64_t>(lexicon.substances.size());
  lexicon.names.resize(r.Count(112));
  for (Name& n : lexicon.names) {
    n.text = r.Str();
    n.lang = r.Str();
    n.kind = r.Str();
    n.script = r.Str();
    uint64_t ambiguity = r.U64();
    uint64_t target = r.U64();
    if (ambiguity > static_cast<uint64_t>(Ambiguity::kHigh) ||
        target > static_cast<uint64_t>(Name::Target::kCategory))
      return std::nullopt;
    n.ambiguity = static_cast<Ambiguity>(ambiguity);
    n.target = static_cast<Name::Target>(target);
    n.substance = r.Int();
    n.class_id = r.Str();
    n.candidates.resize(r.Count(8));
    for (int& c : n.candidates) {
      c = r.Int();
      if (c < 0 || c >= substances)
        return std::nullopt;
    }
    n.category = r.Str();
    n.category_index = r.Int();
    n.weight = r.Int();
    n.source = r.Source();
    // Indices are used without checks downstream: a damaged one must not get through.
    if (n.substance < -1 || n.substance >= substances || n.category_index < -1 ||
        n.category_index >= static_cast<int>(kCategoryIds.size()))
      return std::nullopt;
  }
  if (r.Str() != kMagic || !r.ok() || !r.AtEnd())
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
  return WriteFileAtomic(file, EncodeLexicon(lexicon));
}

}  // namespace dragnet::identify
