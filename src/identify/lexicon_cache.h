#pragma once
// The loaded lexicon in a binary file beside the compiled Hyperscan database, so that a run of
// `dragnet identify` does not spend a third of a second in yaml-cpp re-reading data/lexicon/
// (8,000 names in 60 files) before its first document.
//
// The file is a cache, never a source: its name carries a key over the lexicon files' content
// hash and the loader's own source code (a changed loader may read the same YAML differently),
// and anything unexpected in it (a short, truncated or foreign file, a count past the end) makes
// ReadLexiconCache return nullopt, and the caller loads the YAML. Written atomically.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "identify/lexicon.h"

namespace dragnet::identify {

// The cache file for a lexicon whose files hash to `content_hash` (Lexicon::content_hash).
std::filesystem::path LexiconCacheFile(const std::filesystem::path& cache_dir,
                                       std::string_view content_hash);

// The lexicon as bytes, and back. Decode gives nullopt for anything it did not encode (or an
// encoding of another content hash).
std::string EncodeLexicon(const Lexicon& lexicon);
std::optional<Lexicon> DecodeLexicon(std::string_view bytes, std::string_view content_hash);

// Reads and decodes `file`; nullopt when it is missing or not a valid encoding.
std::optional<Lexicon> ReadLexiconCache(const std::filesystem::path& file,
                                        std::string_view content_hash);
// Writes the encoding atomically (temporary file, then rename), creating the directory.
Status WriteLexiconCache(const std::filesystem::path& file, const Lexicon& lexicon);

}  // namespace dragnet::identify
