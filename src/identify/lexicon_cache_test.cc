#include "identify/lexicon_cache.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/file.h"
#include "core/scratch_dir.h"

namespace dragnet::identify {
namespace {

namespace fs = std::filesystem;

const fs::path kShipped = fs::path(DRAGNET_SOURCE_DIR) / "data" / "lexicon";
const fs::path kTestLexicon = fs::path(DRAGNET_SOURCE_DIR) / "src/identify/testdata/lexicon";

TEST(LexiconCache, EncodingRoundTripsTheShippedLexicon) {
  auto lexicon = LoadLexicon(kShipped);
  ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
  std::string bytes = EncodeLexicon(*lexicon);
  auto decoded = DecodeLexicon(bytes, lexicon->content_hash);
  ASSERT_TRUE(decoded.has_value());
  // Every field is encoded, so equal encodings are equal lexicons; the index is rebuilt.
  EXPECT_EQ(EncodeLexicon(*decoded), bytes);
  EXPECT_EQ(decoded->substance_index, lexicon->substance_index);
  EXPECT_EQ(decoded->names.size(), lexicon->names.size());
  EXPECT_EQ(decoded->names.back().source.ToString(), lexicon->names.back().source.ToString());
  EXPECT_FALSE(DecodeLexicon(bytes, std::string(64, '0')).has_value());  // another lexicon's
}

TEST(LexiconCache, DamagedBytesAreRefused) {
  auto lexicon = LoadLexicon(kTestLexicon);
  ASSERT_TRUE(lexicon.has_value()) << lexicon.error().message();
  const std::string bytes = EncodeLexicon(*lexicon);
  const std::string& hash = lexicon->content_hash;
  for (size_t cut = 0; cut < bytes.size(); cut += 1 + bytes.size() / 400)
    EXPECT_FALSE(DecodeLexicon(std::string_view(bytes).substr(0, cut), hash).has_value()) << cut;
  EXPECT_FALSE(DecodeLexicon(bytes + "x", hash).has_value());
  // A count past the bytes left: the eight bytes after the content hash are the number of files;
  // all ones must not be reserved.
  std::string huge = bytes;
  size_t files_count = bytes.find(hash) + hash.size();
  ASSERT_LT(files_count + 8, huge.size());
  std::fill_n(huge.begin() + static_cast<std::ptrdiff_t>(files_count), 8, '\xff');
  EXPECT_FALSE(DecodeLexicon(huge, hash).has_value());

  // An enum value past its type (256 would wrap to "no ambiguity") or past its enumerators.
  Lexicon marked = *lexicon;
  Name& name = marked.names.front();
  name.text = "zz-marker-zz";
  const std::string encoded = EncodeLexicon(marked);
  size_t at = encoded.find(name.text) + name.text.size() + 8 + name.lang.size() + 8 +
              name.kind.size() + 8 + name.script.size();
  ASSERT_TRUE(DecodeLexicon(encoded, hash).has_value());
  for (uint64_t bad : {uint64_t{256}, uint64_t{3}}) {
    std::string damaged = encoded;
    std::memcpy(damaged.data() + at, &bad, 8);
    EXPECT_FALSE(DecodeLexicon(damaged, hash).has_value()) << bad;
  }
}

TEST(LexiconCache, LoadLexiconReadsItsCacheAndNoticesChangedFiles) {
  ScratchDir scratch("lexicon_cache_test");
  fs::path dir = scratch.path() / "lexicon";
  fs::copy(kTestLexicon, dir, fs::copy_options::recursive);
  fs::path cache = scratch.path() / "cache";

  auto first = LoadLexicon(dir, cache);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  fs::path file = LexiconCacheFile(cache, first->content_hash);
  ASSERT_TRUE(fs::exists(file));

  // A cache entry for the same files is read instead of the YAML: plant one with a changed name.
  Lexicon planted = *first;
  planted.substances[0].name = "read from the cache";
  ASSERT_TRUE(WriteLexiconCache(file, planted).ok());
  auto second = LoadLexicon(dir, cache);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->substances[0].name, "read from the cache");

  // A changed file is a different key: the YAML is read again, and its entry written.
  {
    std::ofstream out(dir / "substances" / "extra.yaml");
    out << "schema: 1\nsubstances:\n  - id: extra-test\n    name: Extra\n    class: other\n"
           "    role: drug\n    names:\n      - {text: extrium, lang: en, kind: inn}\n";
  }
  auto third = LoadLexicon(dir, cache);
  ASSERT_TRUE(third.has_value()) << third.error().message();
  EXPECT_NE(third->content_hash, first->content_hash);
  EXPECT_NE(third->FindSubstance("extra-test"), nullptr);
  EXPECT_NE(third->substances[0].name, "read from the cache");
  EXPECT_TRUE(fs::exists(LexiconCacheFile(cache, third->content_hash)));

  // A corrupt entry is ignored, and a cache directory that cannot be written costs nothing.
  ASSERT_TRUE(WriteFileAtomic(LexiconCacheFile(cache, third->content_hash), "garbage").ok());
  auto fourth = LoadLexicon(dir, cache);
  ASSERT_TRUE(fourth.has_value());
  EXPECT_NE(fourth->FindSubstance("extra-test"), nullptr);
  ASSERT_TRUE(WriteFileAtomic(scratch.path() / "not-a-dir", "x").ok());
  EXPECT_TRUE(LoadLexicon(dir, scratch.path() / "not-a-dir" / "cache").has_value());
}

}  // namespace
}  // namespace dragnet::identify
