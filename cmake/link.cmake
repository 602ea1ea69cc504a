# How the executables are linked, for start-up time: a CLI that CI pipelines and Argo CD run
# thousands of times a day is judged by its whole-process time, and with Debian's shared
# libraries most of that went to the dynamic loader (48 libraries behind libcurl, libarchive
# and yaml-cpp; docs/benchmarks.md has the measurements).
#
# - charthouse links with -O1 (smaller hash chains), --as-needed (no DT_NEEDED for a library
#   nothing uses) and GNU hash tables, except under CHARTHOUSE_SANITIZE.
# - CHARTHOUSE_STATIC_DEPS (ON, forced OFF under CHARTHOUSE_SANITIZE): every dependency that
#   Debian 12 ships as a static archive is linked from it, and libstdc++/libgcc into
#   charthouse. That covers libcurl and all of its dependencies but three that Debian ships
#   only shared: libgssapi_krb5 (libkrb5-dev has no .a), libsasl2 (its .a has the SQL and LDAP
#   auxprop plugins built in and needs libmysqlclient and libpq) and libp11-kit (no .a), so 48
#   libraries become 13. fmt becomes header-only (Debian ships no libfmt.a). The archives'
#   unused members and sections are dropped (--gc-sections; libarchive's XAR writer, and with
#   it libxml2 and ICU, is never referenced). GPGME (provenance signing) comes from
#   libgpgme.a with libassuan.a and libgpg-error.a; it runs Debian's gpg as a separate program,
#   so nothing of GnuPG itself is linked. cmark-gfm (the web UI's Markdown) comes from
#   libcmark-gfm-extensions.a and libcmark-gfm.a. A configure-time test link checks the set
#   (its cache variable is renamed whenever the set changes, so existing build directories
#   check again);
#   when an archive is missing or the link fails, the build stays on the shared libraries.
#
# Included from CMakeLists.txt after the charthouse target; the rewrite of the other targets'
# link interfaces runs at the end of the top-level directory, when all targets exist.

# Not under the sanitizers: libasan defines interceptors such as crypt_r, so --as-needed
# would drop libcrypt.so (nothing left referencing it) and the interceptor would call null.
if(NOT CHARTHOUSE_SANITIZE)
  target_link_options(charthouse PRIVATE LINKER:-O1 LINKER:--as-needed LINKER:--hash-style=gnu)
endif()

option(CHARTHOUSE_STATIC_DEPS
       "Link the dependencies Debian ships as static archives (and libstdc++) statically" ON)
if(NOT CHARTHOUSE_STATIC_DEPS OR CHARTHOUSE_SANITIZE)
  # Sanitizer runtimes expect the shared C++ runtime and interpose on shared libraries.
  return()
endif()

# Static archives, in link order (a library before the ones it uses; the group is rescanned
# anyway), each with the imported target or library path it replaces.
set(_ch_static_archives
    curl nghttp2 rtmp ssh2 psl ldap lber gnutls hogweed nettle gmp tasn1 idn2 unistring zstd
    brotlidec brotlicommon archive yaml-cpp sqlite3 crypt ssl crypto z gpgme assuan gpg-error sodium
    cmark-gfm-extensions cmark-gfm)
set(_ch_shared_only gssapi_krb5 sasl2 p11-kit)
set(_ch_replaced CURL::libcurl LibArchive::LibArchive yaml-cpp SQLite::SQLite3 OpenSSL::SSL
                 OpenSSL::Crypto ZLIB::ZLIB ${CRYPT_LIBRARY} ${GPGME_LIBRARY} ${SODIUM_LIBRARY}
                 ${CMARK_GFM_EXTENSIONS_LIBRARY} ${CMARK_GFM_LIBRARY})

set(_ch_static_paths)
set(_ch_static_missing)
foreach(name IN LISTS _ch_static_archives)
  string(MAKE_C_IDENTIFIER "CH_STATIC_${name}" var)
  find_library(${var} NAMES lib${name}.a)
  if(${var})
    list(APPEND _ch_static_paths "${${var}}")
  else()
    list(APPEND _ch_static_missing lib${name}.a)
  endif()
endforeach()
set(_ch_shared_paths)
foreach(name IN LISTS _ch_shared_only)
  string(MAKE_C_IDENTIFIER "CH_SHARED_${name}" var)
  find_library(${var} NAMES ${name} lib${name}.so.2 lib${name}.so.0)
  if(${var})
    list(APPEND _ch_shared_paths "${${var}}")
  else()
    list(APPEND _ch_static_missing lib${name}.so)
  endif()
endforeach()
set(_ch_system_libs ${CMAKE_DL_LIBS} pthread resolv m)

if(_ch_static_missing)
  message(STATUS "charthouse: linking shared libraries (missing: ${_ch_static_missing}; "
                 "scripts/setup installs them)")
  return()
endif()

# One test link of everything the binary uses from these libraries, as it will be linked.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_LINK_OPTIONS -static-libstdc++ -static-libgcc -Wl,--gc-sections
                                -Wl,--as-needed)
set(CMAKE_REQUIRED_LIBRARIES -Wl,--start-group ${_ch_static_paths} -Wl,--end-group
                             ${_ch_shared_paths} ${_ch_system_libs})
check_cxx_source_compiles([=[
#include <archive.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <crypt.h>
#include <curl/curl.h>
#include <gpgme.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sqlite3.h>
#include <yaml-cpp/yaml.h>
#include <zlib.h>
int main() {
  archive* w = archive_write_new();
  archive_write_set_format_pax_restricted(w);
  archive_write_add_filter_gzip(w);
  archive* r = archive_read_new();
  archive_read_support_format_tar(r);
  archive_read_support_filter_gzip(r);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* c = curl_easy_init();
  curl_easy_perform(c);
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  crypt_data cd{};
  crypt_r("k", "$2b$05$abcdefghijklmnopqrstuu", &cd);
  gpgme_check_version(nullptr);
  gpgme_ctx_t g = nullptr;
  gpgme_new(&g);
  gpgme_release(g);
  SSL_CTX_free(SSL_CTX_new(TLS_method()));
  EVP_MD_free(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* md = cmark_parser_new(CMARK_OPT_DEFAULT);
  cmark_parser_attach_syntax_extension(md, cmark_find_syntax_extension("table"));
  cmark_parser_free(md);
  return YAML::Load("a: 1")["a"].as<int>() + static_cast<int>(crc32(0, nullptr, 0));
}
]=] CHARTHOUSE_STATIC_DEPS_LINK_CMARK)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
unset(CMAKE_REQUIRED_LIBRARIES)
if(NOT CHARTHOUSE_STATIC_DEPS_LINK_CMARK)
  message(STATUS "charthouse: the static archives do not link (see CMakeFiles/CMakeError.log); "
                 "linking shared libraries")
  return()
endif()

list(JOIN _ch_static_paths "," _ch_static_group)
add_library(ch_static_deps INTERFACE)
target_link_libraries(ch_static_deps INTERFACE "$<LINK_GROUP:RESCAN,${_ch_static_group}>"
                                               ${_ch_shared_paths} ${_ch_system_libs})
# Drops the archives' unreferenced sections, and with them every reference to a library
# that is not linked (libarchive's XAR writer to libxml2).
target_link_options(ch_static_deps INTERFACE LINKER:--gc-sections LINKER:--as-needed)
# The C++ runtime inside charthouse (tests keep the shared one: gtest and benchmark are
# linked against it).
target_link_options(charthouse PRIVATE -static-libstdc++ -static-libgcc)

# Every target's link interface: the replaced libraries become ch_static_deps (once), fmt
# becomes header-only.
function(_ch_use_static_deps)
  get_property(targets DIRECTORY "${CMAKE_SOURCE_DIR}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    if(target STREQUAL "ch_static_deps")
      continue()
    endif()
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(libs ${target} ${property})
      if(NOT libs)
        continue()
      endif()
      set(out)
      foreach(lib IN LISTS libs)
        set(plain "${lib}")
        set(link_only FALSE)
        if(lib MATCHES "^\\$<LINK_ONLY:(.*)>$")
          set(plain "${CMAKE_MATCH_1}")
          set(link_only TRUE)
        endif()
        if(plain IN_LIST _ch_replaced)
          set(plain ch_static_deps)
        elseif(plain STREQUAL "fmt::fmt")
          set(plain fmt::fmt-header-only)
        endif()
        if(link_only)
          set(plain "$<LINK_ONLY:${plain}>")
        endif()
        if(NOT plain IN_LIST out)
          list(APPEND out "${plain}")
        endif()
      endforeach()
      set_property(TARGET ${target} PROPERTY ${property} "${out}")
    endforeach()
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _ch_use_static_deps)
message(STATUS "charthouse: static dependencies (${_ch_shared_only} stay shared)")
