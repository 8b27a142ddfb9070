#pragma once
// Site profiles: for a market whose layout is known, where each listing field sits, as XPath 1.0
// expressions over the page (libxml2's HTML parser and XPath engine), kept as versioned data in
// data/sites/*.yaml (docs/formats/site-profiles.md). A profile is read first; the generic
// extractor (fields.h) fills every field the profile leaves empty, so a page is never worse off
// for having a profile.
//
// Markets change their templates. Each field's fill rate is counted per capture batch (one WARC
// file of a crawl); when a field that used to fill stops filling, DetectDrift reports it so the
// store can hold a drift alert for an analyst to update the profile, while the generic extractor
// keeps the records coming.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "parse/fields.h"
#include "parse/html_sax.h"  // libxml2's xmlDoc

namespace dragnet::parse {

class CompiledXPath;  // libxml2's compiled expression, owned

struct ProfileField {
  std::string id;     // a field id of FieldLabels::KnownIds()
  std::string xpath;  // as written in the file
  std::shared_ptr<const CompiledXPath> compiled;
};

struct SiteProfile {
  std::string name;  // e.g. "nexus"
  int version = 1;
  std::string file;  // where it was loaded from, for messages
  // A page belongs to the site when its host is one of `hosts` (a leading "*." matches any
  // subdomain) or its <title> contains one of `title_contains` (onion names change with every
  // mirror and seizure; a market's name in its titles rarely does).
  std::vector<std::string> hosts;
  std::vector<std::string> title_contains;
  // Fields of listing pages and of vendor pages.
  std::vector<ProfileField> listing_fields;
  std::vector<ProfileField> vendor_fields;
  // The entries of a feedback list, one node per entry ("" = the generic rule of ApplyProfile).
  std::string feedback_xpath;
  std::shared_ptr<const CompiledXPath> feedback;

  std::string Key() const { return name + "/" + std::to_string(version); }
};

class SiteProfiles {
 public:
  const std::vector<SiteProfile>& profiles() const { return profiles_; }
  // The profile of a page by its host and title; nullptr when none applies.
  const SiteProfile* Match(std::string_view host, std::string_view title) const;
  // A digest of every profile file's content, for the parse analyzer's key.
  const std::string& digest() const { return digest_; }

 private:
  friend Result<SiteProfiles> LoadSiteProfiles(const std::filesystem::path& dir);
  friend Result<SiteProfiles> ParseSiteProfiles(
      const std::vector<std::pair<std::string, std::string>>& files);
  std::vector<SiteProfile> profiles_;
  std::string digest_;
};

// Parses profile files given as (name, YAML text). Errors are "file:line: message", one per
// line: unknown keys, a missing name, version or match, unknown field ids, XPath expressions
// libxml2 cannot compile, two profiles with one name.
Result<SiteProfiles> ParseSiteProfiles(
    const std::vector<std::pair<std::string, std::string>>& files);
// Loads every *.yaml of `dir` (sorted by name). A missing directory gives no profiles.
Result<SiteProfiles> LoadSiteProfiles(const std::filesystem::path& dir);
// data/sites beside data/parse (see DefaultParseDataFile).
std::filesystem::path DefaultSiteProfileDir();

// One entry of a feedback list.
struct FeedbackItem {
  std::string rating;  // "5/5", "4.5/5", "10/10" as written; "" when the entry shows none
  std::string text;    // the entry's visible text, white space collapsed
};

// What a profile read from one page.
struct ProfileExtraction {
  std::vector<Field> fields;       // the fields its expressions filled (value non-empty)
  std::vector<std::string> tried;  // every field id the profile has for this page type
  std::vector<FeedbackItem> feedback;
};

inline constexpr size_t kMaxFeedbackPerPage = 1000;

// Whether `text` (the page's text) has a word the generic feedback rule looks for in headings,
// so that pages without one need no tree.
bool MayHaveFeedbackList(std::string_view text);

// Reads a listing or vendor page (other page types give nothing) with the profile's fields for
// its page type, and its feedback list: by the profile's `feedback` expression, else (also when
// `profile` is null) the list that follows a heading saying feedback or reviews in one of the
// region's languages. Never throws; a page libxml2 cannot parse gives nothing.
ProfileExtraction ApplyProfile(const SiteProfile* profile, std::string_view page_type,
                               std::string_view html);
// The same on libxml2's tree of the page, built by the caller (ParseHtmlSaxFanout); null gives
// only `tried`. `generic_feedback` false skips the generic feedback rule (the caller knows the
// text names no feedback list; the rule scans every element).
ProfileExtraction ApplyProfile(const SiteProfile* profile, std::string_view page_type, xmlDoc* doc,
                               bool generic_feedback = true);

// The generic rule's feedback list: the first list or table (in document order) that is a
// following sibling of a leaf heading, div or span naming feedback or reviews in under 40
// characters; null when none. A walk over the tree with the same result as
// GenericFeedbackListXPath() (site_profile_test.cc compares them), at a fraction of its cost: the
// XPath computes each candidate's string value once per word, and was a quarter of the time of a
// real listing page.
xmlNode* FindGenericFeedbackList(xmlDoc* doc);
std::string GenericFeedbackListXPath();

// Profile fields first, then the generic extractor's fields for ids the profile did not fill.
std::vector<Field> MergeFields(const ProfileExtraction& profile, const std::vector<Field>& generic);

// How often one field of one profile filled in one capture batch.
struct FillCount {
  int64_t pages = 0;
  int64_t filled = 0;
  double Rate() const { return pages == 0 ? 0 : static_cast<double>(filled) / pages; }
};

struct DriftAlert {
  std::string field;
  double previous_fill = 0;
  double fill = 0;
  int64_t pages = 0;  // pages of the batch it was measured on
};

struct DriftThresholds {
  int64_t min_pages = 5;      // both batches need at least this many pages of the type
  double was_at_least = 0.8;  // the field filled this often before...
  double now_below = 0.5;     // ...and now fills less often than this
};

// Fields whose fill rate fell between two batches of one profile on one site.
std::vector<DriftAlert> DetectDrift(const std::map<std::string, FillCount>& previous,
                                    const std::map<std::string, FillCount>& current,
                                    const DriftThresholds& thresholds = {});

}  // namespace dragnet::parse
