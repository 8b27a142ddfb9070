#pragma once
// Exchange rates to turn prices into US dollars and euros: a dated table shipped as data
// (data/rates/exchange_rates.csv: date,currency,usd_per_unit) that a user may replace with their
// own file. A price is converted at the latest rate dated on or before the document's date.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dragnet::identify {

class ExchangeRates {
 public:
  // Loads a CSV; an error names the file and line of the first bad row.
  static Result<ExchangeRates> Load(const std::filesystem::path& path);

  // US dollars per unit of `currency` on `date` (YYYY-MM-DD; "" = the latest rate). Before the
  // first dated rate the earliest one is used. nullopt for a currency the table does not know.
  std::optional<double> UsdPerUnit(std::string_view currency, std::string_view date) const;
  // `amount` of `from` in `to` (e.g. "EUR") on `date`.
  std::optional<double> Convert(double amount, std::string_view from, std::string_view to,
                                std::string_view date) const;

  size_t size() const { return rows_; }
  const std::string& source() const { return source_; }

 private:
  std::map<std::string, std::vector<std::pair<std::string, double>>, std::less<>> table_;
  size_t rows_ = 0;
  std::string source_;
};

}  // namespace dragnet::identify
