# What `cmake --install` puts where (GNU layout under CMAKE_INSTALL_PREFIX), in
# two components that become the two Debian packages (cmake/packaging.cmake):
#   runtime  bin/kindred, bin/kindred-dask, libkindred.so.X.Y, the Python
#            package, manual pages, bash and zsh completion
#   dev      the public headers, libkindred.so, libkindred.a, the CMake package
#            (find_package(kindred CONFIG): kindred::kindred, kindred::kindred_static)
#            and kindred.pc
include(CMakePackageConfigHelpers)

# The public API, include/kindred/ (every header there; private ones live
# under src/): each compiles on its own with nothing but the standard library
# (tests/install checks each one). A glob, so that a header added there is
# installed and checked without a change here.
file(GLOB KINDRED_PUBLIC_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/kindred/*.h)
if(NOT KINDRED_USE_LMDB)
  list(REMOVE_ITEM KINDRED_PUBLIC_HEADERS ${PROJECT_SOURCE_DIR}/include/kindred/live_index.h)
endif()
list(APPEND KINDRED_PUBLIC_HEADERS ${KINDRED_GENERATED_INCLUDE_DIR}/kindred/version.h)
install(FILES ${KINDRED_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kindred COMPONENT dev)

set(KINDRED_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kindred)
install(TARGETS kindred_shared EXPORT kindred-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
install(TARGETS kindred_static EXPORT kindred-static-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
# A stripped install strips executables and shared libraries only; the debug
# information of libkindred.a (56 of its 58 MB) goes too.
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:kindred_static>\")
  endif()" COMPONENT dev)
install(EXPORT kindred-targets NAMESPACE kindred:: DESTINATION ${KINDRED_CMAKE_DIR} COMPONENT dev)
install(EXPORT kindred-static-targets NAMESPACE kindred:: DESTINATION ${KINDRED_CMAKE_DIR}
  COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/kindred-config.cmake.in
  ${PROJECT_BINARY_DIR}/kindred-config.cmake INSTALL_DESTINATION ${KINDRED_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kindred-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kindred-config.cmake ${PROJECT_BINARY_DIR}/kindred-config-version.cmake
  DESTINATION ${KINDRED_CMAKE_DIR} COMPONENT dev)

# pkg-config: `pkg-config --cflags --libs kindred` (shared), add --static for libkindred.a.
list(TRANSFORM KINDRED_STATIC_LIBS PREPEND -l OUTPUT_VARIABLE KINDRED_PC_PRIVATE_LIBS)
list(JOIN KINDRED_PC_PRIVATE_LIBS " " KINDRED_PC_PRIVATE_LIBS)
file(RELATIVE_PATH KINDRED_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/kindred.pc.in ${PROJECT_BINARY_DIR}/kindred.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kindred.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT dev)
