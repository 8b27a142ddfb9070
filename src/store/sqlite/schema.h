#pragma once
// The SQLite schema as an ordered list of migrations. Migration N (1-based) takes a database
// from schema version N-1 to N; PRAGMA user_version holds the version. Never edit a migration
// that has shipped: add a new one.

#include <span>
#include <string_view>

namespace dragnet::store::sqlite {

std::span<const std::string_view> Migrations();

}  // namespace dragnet::store::sqlite
