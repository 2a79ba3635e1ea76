# Warnings every kindred target is built with; KINDRED_WERROR (on in CI) makes them errors.
add_library(kindred_warnings INTERFACE)
target_compile_options(kindred_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(KINDRED_WERROR)
  target_compile_options(kindred_warnings INTERFACE -Werror)
endif()
