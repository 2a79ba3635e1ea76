# include/kindred/version.h, generated: the version from project() and the
# features the KINDRED_USE_* options compiled in, so that the CLI, the library,
# the `run` records and the Python module all report the same.
set(KINDRED_FEATURES "")
foreach(pair "live-index;KINDRED_USE_LMDB" "server;KINDRED_USE_LMDB" "html;KINDRED_USE_GUMBO"
             "python;KINDRED_USE_PYTHON" "dask;KINDRED_USE_DASK")
  list(GET pair 0 feature)
  list(GET pair 1 option)
  if(${option})
    list(APPEND KINDRED_FEATURES "+${feature}")
  else()
    list(APPEND KINDRED_FEATURES "-${feature}")
  endif()
endforeach()
list(JOIN KINDRED_FEATURES " " KINDRED_FEATURES)
if(KINDRED_USE_LMDB)
  set(KINDRED_HAVE_LIVE_INDEX 1)
else()
  set(KINDRED_HAVE_LIVE_INDEX 0)
endif()
if(KINDRED_USE_GUMBO)
  set(KINDRED_HAVE_HTML 1)
else()
  set(KINDRED_HAVE_HTML 0)
endif()
set(KINDRED_GENERATED_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.h.in ${KINDRED_GENERATED_INCLUDE_DIR}/kindred/version.h
  @ONLY)
