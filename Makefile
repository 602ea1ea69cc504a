# The two commands of the README: `make demo` and `make test`. Both set up the machine
# (scripts/setup, idempotent) and build first.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= 2
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all setup build build-asan demo test test-fast test-release test-asan test-fuzz fuzz bench format clean

all: build

setup:
	scripts/setup

build: setup
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

build-asan: setup
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_FLAGS) -DCHARTHOUSE_SANITIZE=ON -DCHARTHOUSE_BENCH=OFF
	cmake --build $(BUILD_ASAN) -j$(JOBS)

# Installs only what the demo needs and builds only the binary it runs (not the tests).
demo:
	scripts/setup --demo
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS) --target charthouse
	scripts/demo $(BUILD)/charthouse

test: test-release test-asan test-fuzz

# The inner loop: release build, every test but the peers (Helm, docker-registry, skopeo).
test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) -LE peers

test-release: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer; any report
# aborts the test that produced it, so the run fails.
test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --test-dir $(BUILD_ASAN) --output-on-failure -j$(JOBS)

# libFuzzer harnesses of tests/fuzz (clang, ASan+UBSan) in $(BUILD_FUZZ), each run for
# FUZZ_SECONDS on a scratch copy of its seeds; fails when one crashes (scripts/fuzz).
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD_FUZZ=$(BUILD_FUZZ) BUILD_JOBS=$(JOBS) scripts/fuzz

# The short run `make test` ends with: 10 s per harness from the committed seeds
# (FUZZ_FRESH, so its time does not grow with earlier runs' corpora), two at a time.
test-fuzz: setup
	FUZZ_SECONDS=10 FUZZ_JOBS=2 FUZZ_FRESH=1 BUILD_FUZZ=$(BUILD_FUZZ) BUILD_JOBS=$(JOBS) scripts/fuzz

bench: build
	bench/registry.sh $(BUILD)/charthouse
	bench/package.sh $(BUILD)/charthouse
	bench/client.sh $(BUILD)/charthouse
	$(BUILD)/micro_bench --benchmark_min_time=0.2
	bench/deps.sh $(BUILD)/charthouse
	bench/scaleout.sh $(BUILD)/charthouse
	bench/ui.sh $(BUILD)/charthouse
	@echo; echo "== charthouse serve vs docker-registry (bench/results/registry.md) =="; cat bench/results/registry.md
	@echo; echo "== scale-out: S3 + PostgreSQL vs docker-registry s3-aws (bench/results/scaleout.md) =="; cat bench/results/scaleout.md
	@echo; echo "== web UI, 10,000 chart versions (bench/results/ui.md) =="; cat bench/results/ui.md

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
