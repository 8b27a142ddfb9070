#include "identify/rates.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/file.h"

namespace dragnet::identify {
namespace {

bool ValidDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-')
    return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9')
      return false;
  }
  return true;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos)
    return "";
  size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

Result<ExchangeRates> ExchangeRates::Load(const std::filesystem::path& path) {
  DRAGNET_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  ExchangeRates rates;
  rates.source_ = path.string();
  std::istringstream lines(contents);
  std::string line;
  int number = 0;
  bool header_seen = false;
  while (std::getline(lines, line)) {
    ++number;
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#')
      continue;
    auto where = [&] { return path.string() + ":" + std::to_string(number) + ": "; };
    std::vector<std::string> fields;
    std::stringstream row(trimmed);
    for (std::string field; std::getline(row, field, ',');)
      fields.push_back(Trim(field));
    if (!header_seen) {
      header_seen = true;
      if (fields.size() != 3 || fields[0] != "date" || fields[1] != "currency" ||
          fields[2] != "usd_per_unit") {
        return InvalidArgument(where() + "expected the header date,currency,usd_per_unit");
      }
      continue;
    }
    if (fields.size() != 3)
      return InvalidArgument(where() + "expected 3 fields");
    if (!ValidDate(fields[0]))
      return InvalidArgument(where() + "date must be YYYY-MM-DD");
    if (fields[1].empty())
      return InvalidArgument(where() + "empty currency");
    char* end = nullptr;
    double value = std::strtod(fields[2].c_str(), &end);
    if (end == fields[2].c_str() || *end != '\0' || !(value > 0)) {
      return InvalidArgument(where() + "usd_per_unit must be a positive number");
    }
    std::string currency = fields[1];
    std::transform(currency.begin(), currency.end(), currency.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    rates.table_[currency].emplace_back(fields[0], value);
    ++rates.rows_;
  }
  for (auto& [currency, series] : rates.table_)
    std::sort(series.begin(), series.end());
  rates.table_.try_emplace("USD", std::vector<std::pair<std::string, double>>{{"0000-01-01", 1.0}});
  return rates;
}

std::optional<double> ExchangeRates::UsdPerUnit(std::string_view currency,
                                                std::string_view date) const {
  auto it = table_.find(currency);
  if (it == table_.end() || it->second.empty())
    return std::nullopt;
  const auto& series = it->second;
  if (date.empty())
    return series.back().second;
  auto after = std::upper_bound(series.begin(), series.end(), date,
                                [](std::string_view d, const auto& row) { return d < row.first; });
  if (after == series.begin())
    return series.front().second;
  return std::prev(after)->second;
}

std::optional<double> ExchangeRates::Convert(double amount, std::string_view from,
                                             std::string_view to, std::string_view date) const {
  auto from_rate = UsdPerUnit(from, date);
  auto to_rate = UsdPerUnit(to, date);
  if (!from_rate || !to_rate)
    return std::nullopt;
  return amount * *from_rate / *to_rate;
}

}  // namespace dragnet::identify
