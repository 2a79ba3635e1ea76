# Writes OUTPUT, a C++ header holding the HTML report's stylesheet and script
# as raw string literals (kReportCss, kReportJs), so the report needs no files
# at run time. Run by the build (src/report/CMakeLists.txt) when either changes:
#   cmake -DCSS=report.css -DJS=report.js -DOUTPUT=html_assets.h -P embed.cmake
set(delimiter "kindred_asset")
set(body "// Generated from src/report/html_assets/ by embed.cmake. Do not edit.\n#pragma once\n\n#include <string_view>\n\nnamespace kindred::report {\n")
foreach(pair "kReportCss;${CSS}" "kReportJs;${JS}")
  list(GET pair 0 name)
  list(GET pair 1 path)
  file(READ "${path}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw string delimiter )${delimiter}\"")
  endif()
  string(FIND "${text}" "</" closing)
  if(NOT closing EQUAL -1)
    # "</" would let the asset end its own <style> or <script> element early.
    message(FATAL_ERROR "${path} contains \"</\", which would close its element in the page")
  endif()
  string(APPEND body "inline constexpr std::string_view ${name} = R\"${delimiter}(${text})${delimiter}\";\n")
endforeach()
string(APPEND body "\n}  // namespace kindred::report\n")
file(WRITE "${OUTPUT}" "${body}")
