// api/openapi.json, embedded at build time (see api/CMakeLists.txt).
#pragma once

#include <string_view>

namespace paraphe::api {

std::string_view OpenApiJson();

}  // namespace paraphe::api
