# cmake -DINPUT=api/openapi.json -DOUTPUT=openapi_data.cc -P embed_file.cmake
# Writes a .cc defining paraphe::api::OpenApiJson() with the file's bytes.
file(READ "${INPUT}" CONTENT HEX)
string(LENGTH "${CONTENT}" HEX_LENGTH)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," BYTES "${CONTENT}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by api/embed_file.cmake. Do not edit.\n"
  "#include \"api/openapi_data.h\"\n\n"
  "namespace paraphe::api {\n"
  "namespace {\n"
  "constexpr char kData[] = {${BYTES} '\\0'};\n"
  "}  // namespace\n\n"
  "std::string_view OpenApiJson() {\n"
  "  return std::string_view(kData, sizeof(kData) - 1);\n"
  "}\n\n"
  "}  // namespace paraphe::api\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
