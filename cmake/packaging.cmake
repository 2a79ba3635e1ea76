# Debian packages with CPack (scripts/package.sh runs it):
#   kindred_<version>_amd64.deb      the runtime component (cmake/install.cmake)
#   kindred-dev_<version>_amd64.deb  the dev component: headers, CMake package, pkg-config
# Their dependencies are the Debian runtime libraries the binaries link,
# by package name, as dpkg-shlibdeps finds them, plus python3 for the module.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kindred)
set(CPACK_PACKAGE_VENDOR "kindred")
set(CPACK_PACKAGE_CONTACT "kindred maintainers <kindred@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "traces reused text through the news")
set(CPACK_PACKAGE_DESCRIPTION
  "kindred finds which articles of a collection are copies of which (exact\n"
  "republications, near-duplicates, abridged copies, edited rewrites), shows\n"
  "the reused passages, and groups reports of the same event into stories.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Installed with DESTDIR, so the install rules see the prefix /usr itself
# (python/CMakeLists.txt chooses the Python directory by it).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME kindred)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME kindred-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "kindred (= ${PROJECT_VERSION}-1)")
set(CPACK_DEBIAN_DEV_DESCRIPTION
  "kindred's C++ library: headers, CMake package and pkg-config file\n"
  "find_package(kindred CONFIG) gives kindred::kindred (libkindred.so) and,\n"
  "with COMPONENTS static, kindred::kindred_static (libkindred.a, which also\n"
  "needs the -dev packages of its dependencies).")
# libkindred.a's users link its dependencies; the shared library needs none.
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS
  "libtbb-dev, libsimdjson-dev, libzstd-dev, zlib1g-dev, libxxhash-dev, libutf8proc-dev, libicu-dev, libgumbo-dev, liblmdb-dev")
if(KINDRED_USE_PYTHON)
  math(EXPR KINDRED_PYTHON_NEXT_MINOR "${Python_VERSION_MINOR} + 1")
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS
    "python3 (>= ${Python_VERSION_MAJOR}.${Python_VERSION_MINOR}), python3 (<< ${Python_VERSION_MAJOR}.${KINDRED_PYTHON_NEXT_MINOR})")
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "python3-pandas")
endif()
if(KINDRED_USE_DASK)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "python3-distributed")
endif()
# WordNet's database is data, not a library, so shlibdeps cannot find it: the
# quotations of English stories read their synonyms from it (story/synonyms.h).
if(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS)
  string(APPEND CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS ", wordnet-base")
else()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "wordnet-base")
endif()
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
include(CPack)
cpack_add_component(runtime DISPLAY_NAME "kindred" DESCRIPTION "The CLI, library, Python module and manuals")
cpack_add_component(dev DISPLAY_NAME "kindred-dev" DESCRIPTION "Headers, CMake package, pkg-config file"
  DEPENDS runtime)
