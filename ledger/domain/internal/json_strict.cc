#include "ledger/domain/internal/json_strict.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace paraphe::ledger::internal {
namespace {

using boost::json::string_view;
using boost::system::error_code;

// SAX handler tracking the keys of each open object.
struct KeyTracker {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::set<std::string>> open;
  std::string partial;
  std::string duplicate;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    open.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    open.pop_back();
    return true;
  }
  bool on_array_begin(error_code&) {
    open.emplace_back();
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    open.pop_back();
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    partial.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    partial.append(s.data(), s.size());
    std::string key = std::move(partial);
    partial.clear();
    if (!open.back().insert(key).second) {
      duplicate = std::move(key);
      ec = boost::json::make_error_code(boost::json::error::syntax);
      return false;
    }
    return true;
  }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code&) { return true; }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
  bool on_double(double, string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

Status CheckNoDuplicateKeys(std::string_view json) {
  boost::json::basic_parser<KeyTracker> p(boost::json::parse_options{});
  error_code ec;
  p.write_some(false, json.data(), json.size(), ec);
  if (!p.handler().duplicate.empty()) {
    return InvalidArgument("duplicate member \"" +
                           p.handler().duplicate.substr(0, 64) + "\"");
  }
  return Status::Ok();
}

}  // namespace paraphe::ledger::internal
