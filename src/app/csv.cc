#include "app/csv.h"

namespace dragnet::app {

bool CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  if (at_ >= data_.size())
    return false;
  row_line_ = current_line_;
  std::string field;
  bool quoted = false;
  while (at_ < data_.size()) {
    char c = data_[at_++];
    if (quoted) {
      if (c == '"') {
        if (at_ < data_.size() && data_[at_] == '"') {
          field.push_back('"');
          ++at_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n')
          ++current_line_;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      ++current_line_;
      if (!field.empty() && field.back() == '\r')
        field.pop_back();
      fields.push_back(std::move(field));
      return true;
    } else {
      field.push_back(c);
    }
  }
  unterminated_ = quoted;
  if (!field.empty() && field.back() == '\r')
    field.pop_back();
  fields.push_back(std::move(field));
  return true;
}

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    out.emplace_back(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  return out;
}

}  // namespace dragnet::app
