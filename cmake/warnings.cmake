# Warnings every kindred target is built with; KINDRED_WERROR (on in CI) makes them errors.
add_library(kindred_warnings INTERFACE)
target_compile_options(kindred_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(KINDRED_WERROR)
  target_compile_options(kindred_warnings INTERFACE -Werror)
endif()
# GCC 12 at -O3 reports -Wrestrict inside std::string's own code (GCC bug
# 105651) and -Wmaybe-uninitialized on brace-initialised aggregates holding a
# std::string (GCC bug 107138): false positives we cannot fix in our sources.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(kindred_warnings INTERFACE -Wno-restrict -Wno-maybe-uninitialized)
endif()
