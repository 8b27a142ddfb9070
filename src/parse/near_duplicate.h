#pragma once
// Near-duplicate detection for texts that repeat with small changes: the same Telegram ad posted
// again with another emoji, price or district, the same listing on a market's mirrors.
//
// SimHash (Charikar 2002, "Similarity estimation techniques from rounding algorithms") gives a
// 64-bit fingerprint whose Hamming distance tracks the angle between the texts' feature vectors;
// NearDuplicateIndex finds an earlier fingerprint within distance k with the pigeonhole tables of
// Manku, Jain, Das Sarma 2007 ("Detecting near-duplicates for web crawling", WWW '07, section 3).
//
// How close is close: one changed word changes three 3-shingles, so the expected distance is
// about 64 * acos(1 - 3/n) / pi for n random words: 8 bits at n = 40, 3 at n = 300. Repeated
// shingles (price-list lines, boilerplate) steady the vote: another district moves a 41-token ad
// by 4 to 10 bits but a 216-token price list by 0 or 1 (near_duplicate_test.cc). Variations that
// normalisation removes (emoji, case, punctuation, whitespace, prices and weights, zero-width
// characters) cost nothing.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dragnet::parse {

// The SipHash-2-4 key of every feature hash: the 16 ASCII bytes "dragnet-simhash1". Fixed so that
// fingerprints are comparable across runs and machines; changing it invalidates stored ones.
inline constexpr unsigned char kSimHashKey[16] = {'d', 'r', 'a', 'g', 'n', 'e', 't', '-',
                                                  's', 'i', 'm', 'h', 'a', 's', 'h', '1'};

// The 64-bit SimHash of a UTF-8 text. Normalisation (ICU): NFKC_Casefold (full case folding, plus
// fullwidth and composed/decomposed forms unified); tokens are maximal runs of letters
// (Alphabetic, with their combining marks) or of decimal digits (any script); every digit run is
// the token "#" and consecutive number tokens ("2 900", "0,5", "20+2") are one "#"; emoji,
// punctuation, symbols and invalid UTF-8 separate tokens; default-ignorable characters (zero-width
// space and joiner, soft hyphen, variation selectors) are skipped as if absent. A token keeps at
// most its first 256 bytes. Features are word 3-shingles (tokens joined by ' '), or the single
// tokens when the text has fewer than 3; each is hashed with libsodium's crypto_shorthash
// (SipHash-2-4) under kSimHashKey, little-endian, and votes with weight 1 on every bit; a bit is
// set when its vote is positive. A text without tokens (empty, only emoji) hashes to 0.
// Linear time, constant memory; never throws. Thread-safe.
uint64_t SimHash(std::string_view utf8_text);

// The tokens SimHash reads, each folded as SimHash folds it (numbers are "#"), with its byte
// offsets [begin, end) in the text (ignorable characters inside a word included).
struct SimHashWord {
  std::string folded;
  size_t begin = 0;
  size_t end = 0;
};
std::vector<SimHashWord> SimHashWords(std::string_view utf8_text);

// SimHash(text) from the text's SimHashWords. With `slots` (one flag per word), every flagged
// word is the token "@" and flagged words that follow each other are one "@": the place and the
// stash type an ad names (ad_slots.h), so copies of one ad for other districts hash alike.
uint64_t SimHash(const std::vector<SimHashWord>& words, const std::vector<bool>* slots = nullptr);

// Number of differing bits.
int HammingDistance(uint64_t a, uint64_t b);

// Finds, for each new fingerprint, an earlier one within Hamming distance max_distance (k).
// The 64 bits are split into k+1 blocks; by the pigeonhole principle two fingerprints within k
// bits agree exactly on at least one block, so one hash table per block (block value -> the
// documents with it, oldest first) yields every candidate, and the full distance verifies it.
// Memory: 16 + 4*(k+1) bytes per document (32 for k = 3) plus one table entry (about 40 bytes)
// per distinct block value, at most (k+1) * 2^(64/(k+1)) of them: 43 bytes per document measured
// for 10^6 random fingerprints at k = 3, growth slack included. Not thread-safe.
class NearDuplicateIndex {
 public:
  // A lookup reads at most this many candidates, split evenly between the k+1 tables, so that a
  // flood of documents sharing a block value (but not near each other) cannot make indexing
  // quadratic. Past the cap a near duplicate may be missed; a reported one is always genuine.
  static constexpr int kMaxCandidatesPerLookup = 10000;

  // max_distance is clamped to [0, 15] (beyond that blocks are under 4 bits and select nothing).
  explicit NearDuplicateIndex(int max_distance = 3);

  // The id of the earliest added document within max_distance of `simhash` (the representative
  // of its cluster), or nullopt when there is none. The document is added either way (ids need
  // not be unique; they are returned, never interpreted). If memory runs out the document is not
  // added and the lookup result is still returned.
  std::optional<int64_t> Add(int64_t id, uint64_t simhash);

  // The same lookup without adding.
  std::optional<int64_t> Find(uint64_t simhash) const;

  size_t size() const { return docs_.size(); }
  int max_distance() const { return max_distance_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Doc {
    int64_t id;
    uint64_t simhash;
  };
  struct Chain {  // documents sharing one block value, linked through next_ in insertion order
    uint32_t head = kNone;
    uint32_t tail = kNone;
  };

  uint64_t Block(uint64_t simhash, int table) const;
  std::optional<uint32_t> FindIndex(uint64_t simhash) const;

  int max_distance_;
  int blocks_;                  // k + 1
  std::vector<int> shift_;      // per block: its lowest bit
  std::vector<uint64_t> mask_;  // per block: its width as a mask
  std::vector<Doc> docs_;       // in insertion order; the index is the document's number
  std::vector<uint32_t> next_;  // next_[doc * blocks_ + table]: next document in that chain
  std::vector<std::unordered_map<uint64_t, Chain>> tables_;
};

}  // namespace dragnet::parse
