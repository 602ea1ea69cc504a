# The libFuzzer build (CHARTHOUSE_FUZZ=ON): every library layer is compiled with clang's
# coverage instrumentation for libFuzzer plus AddressSanitizer and UndefinedBehaviorSanitizer,
# and the harnesses of tests/fuzz link libFuzzer's main. Configure it in its own build
# directory with clang, e.g. `CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCHARTHOUSE_FUZZ=ON`
# (scripts/fuzz and `make fuzz` do that). Only the layers and the harnesses are built.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CHARTHOUSE_FUZZ needs clang (libFuzzer): configure with CXX=clang++")
endif()
if(CHARTHOUSE_SANITIZE)
  message(FATAL_ERROR "CHARTHOUSE_FUZZ already enables ASan+UBSan; leave CHARTHOUSE_SANITIZE off")
endif()

# Any UB report aborts, so libFuzzer records the input as a crash. Warnings are enforced by the
# GCC release build; clang 14 warns about other things (and about GCC-only pragmas), so they are
# not errors here.
set(CHARTHOUSE_FUZZ_SANITIZERS address,undefined)
# -O1 -gline-tables-only (after the build type's flags, so they win) is what libFuzzer builds
# usually use: faster to compile than -O2, stacks still carry file:line. -UNDEBUG keeps the
# assertions of header-only dependencies (nlohmann-json's JSON_ASSERT catches misuse such as
# const operator[] on a missing key).
add_compile_options(-fsanitize=fuzzer-no-link,${CHARTHOUSE_FUZZ_SANITIZERS}
                    -fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-error
                    -O1 -gline-tables-only -UNDEBUG)
add_link_options(-fsanitize=${CHARTHOUSE_FUZZ_SANITIZERS} -fno-sanitize-recover=all)

# Boost 1.74's Asio detects C++20 coroutines only under GCC (or with libc++'s
# <experimental/coroutine> under clang); clang 14 with libstdc++ 12 supports them as well
# (__cpp_impl_coroutine 201902), so ch_server's coroutine code compiles once Asio is told.
add_compile_definitions(BOOST_ASIO_HAS_CO_AWAIT=1 BOOST_ASIO_HAS_STD_COROUTINE=1)
