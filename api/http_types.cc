#include "api/http_types.h"

#include <cctype>

#include <boost/json/serialize.hpp>

namespace paraphe::api {

Response MakeResponse(http::status status, std::string_view content_type,
                      std::string body) {
  Response res{status, 11};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response JsonResponse(http::status status, const boost::json::value& value) {
  std::string body = boost::json::serialize(value);
  body.push_back('\n');
  return MakeResponse(status, kJsonType, std::move(body));
}

std::string MediaType(std::string_view content_type) {
  size_t end = content_type.find(';');
  std::string_view type = content_type.substr(0, end);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
    type.remove_prefix(1);
  }
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.remove_suffix(1);
  }
  std::string out(type);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace paraphe::api
