#pragma once
// Everything the parse stage reads from one captured page, in one call: the encoding (charset.h),
// the text and title (html_text.h), the page type (page_type.h), the listing fields of the
// generic extractor (fields.h) under those of the site's profile when one matches
// (site_profile.h), the feedback list, the SimHash of the text (near_duplicate.h) and the
// language and scripts (language.h). `dragnet parse`, its benchmark and its fuzz target all go
// through here, so what is measured is what runs.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "parse/ad_slots.h"
#include "parse/fields.h"
#include "parse/html_links.h"
#include "parse/language.h"
#include "parse/page_type.h"
#include "parse/site_profile.h"

namespace dragnet::parse {

struct ParsedPage {
  PageType type;
  ExtractedFields fields;  // profile fields first, then the generic extractor's
  uint64_t simhash = 0;
  std::string title;
  LanguageGuess language;
  std::string profile;                                      // "nexus/1" when one applied
  std::vector<std::pair<std::string, bool>> profile_fills;  // its fields, and whether they filled
  std::vector<FeedbackItem> feedback;
  std::string main_text;             // without menus and footers, when asked for
  std::string charset;               // the encoding the page was decoded from
  std::string charset_source;        // bom, http, meta, detected, default
  AnchorsAndImages links;            // anchors with their texts, images with their alt texts
  std::vector<PlaceMention> places;  // places the text names (offsets into `text`)
  std::string text;                  // the visible text the places and the SimHash were read from
};

struct PageParserOptions {
  std::filesystem::path profiles;  // site profile directory; empty = DefaultSiteProfileDir()
  bool main_text = false;          // also extract the main content (boilerplate.h)
};

class PageParser {
 public:
  // Loads data/parse/page_types.yaml, data/parse/labels.yaml, the gazetteer (data/parse/places),
  // the stash types and the site profiles; errors name the file and line. A profile directory given
  // explicitly must exist.
  static Result<PageParser> Load(const PageParserOptions& options);

  // Parses a page's bytes as served, with the HTTP Content-Type ("" when none) and its URL (for
  // the page type and the profile's host). Never fails; hostile bytes give partial results.
  ParsedPage Parse(std::string_view bytes, std::string_view content_type,
                   std::string_view url) const;

  // A messenger post's text (already plain): the places it names, the dead-drop fields it gives
  // (city, district, stash type), its SimHash and language. The caller sets the page type and
  // any field the message's metadata gives (its author).
  ParsedPage ParseMessage(std::string_view text) const;

  // A digest of the data files and profiles, for the analyzer key.
  const std::string& data_digest() const { return data_digest_; }
  const SiteProfiles& profiles() const { return profiles_; }
  const Gazetteer& places() const { return slots_.places(); }
  const AdSlots& slots() const { return slots_; }

 private:
  PageTypeVocabulary vocabulary_;
  FieldLabels labels_;
  SiteProfiles profiles_;
  // The places, dead-drop fields (when asked), SimHash and language of out.text.
  void AnalyseText(bool dead_drop_fields, ParsedPage& out) const;

  AdSlots slots_;
  bool main_text_ = false;
  std::string data_digest_;
};

}  // namespace dragnet::parse
