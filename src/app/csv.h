#pragma once
// A CSV reader for labelled data and CSV inputs (RFC 4180: quoted fields with "" escapes and
// line breaks inside quotes; a trailing \r is dropped). Written here because no Debian-packaged
// C++ library covers it without pulling in a data-frame framework; it is 60 lines.

#include <string>
#include <string_view>
#include <vector>

namespace dragnet::app {

class CsvReader {
 public:
  explicit CsvReader(std::string_view data) : data_(data) {}
  // Reads the next row into `fields`; false at the end. `line` is the 1-based line it started on.
  bool Next(std::vector<std::string>& fields);
  int line() const { return row_line_; }
  // True when the last row ended inside an unterminated quote (the rest of the file).
  bool unterminated() const { return unterminated_; }

 private:
  std::string_view data_;
  size_t at_ = 0;
  int current_line_ = 1;
  int row_line_ = 0;
  bool unterminated_ = false;
};

// "cat,subcat" -> {"cat", "subcat"}: the column lists of --label-column options.
std::vector<std::string> SplitCommas(std::string_view text);

}  // namespace dragnet::app
