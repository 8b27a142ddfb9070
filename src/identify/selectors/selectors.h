#pragma once
// The selectors analyzer: runs every selector finder (PGP, crypto addresses, onions, contacts,
// phones) over one document's text and returns one ordered, de-duplicated list. Stateless and
// thread-safe: the finders keep nothing between calls but libphonenumber's shared metadata.

#include <string>
#include <string_view>

#include "core/json_writer.h"
#include "identify/selectors/selector.h"

namespace dragnet::identify {

inline constexpr std::string_view kSelectorsAnalyzerName = "selectors";
// Bump whenever the output for the same input can change.
inline constexpr int kSelectorsAnalyzerVersion = 1;

// The most selectors kept per document; a page of ten thousand addresses is reported as cut.
inline constexpr size_t kMaxSelectorsPerDocument = 5000;

struct SelectorOptions {
  // Region for national phone numbers (ISO 3166 alpha-2); "" = inferred from each text.
  std::string region;
};

// Finds the selectors of `text`. Returns true when the document held more than
// kMaxSelectorsPerDocument and the list was cut.
bool FindSelectors(std::string_view text, const SelectorOptions& options, SelectorFindings& out);

// Copies `text` into `out` with the selectors that are opaque strings (PGP blocks, fingerprints,
// wallet addresses, onion addresses, Session ids, the query and fragment of a URL, and the
// address-shaped tokens reported as anomalies) blanked with spaces, offsets unchanged, so that
// the substances analyzer does not read "f3t" in "bc1q...kv8f3t4" or a price in "BTC 1Bv...".
// Returns false, leaving `out` alone, when there is nothing to blank.
bool MaskOpaqueSelectors(const SelectorFindings& found, std::string_view text, std::string& out);

// FindSelectors, then MaskOpaqueSelectors: returns the text the substances analyzer should read
// (`text` itself, or `masked` holding it with the opaque selectors blanked).
std::string_view FindSelectorsAndMask(std::string_view text, const SelectorOptions& options,
                                      SelectorFindings& out, std::string& masked);

// Writes `"selectors": [...]` and, when there are any, `"selector_anomalies": [...]` into an
// open JSON object. Each selector: kind, value (canonical), raw (as written, cut at 256 bytes),
// begin and end (byte offsets), validation, confidence, details.
void AppendSelectorsJson(const SelectorFindings& found, std::string_view text, JsonWriter& w);

}  // namespace dragnet::identify
