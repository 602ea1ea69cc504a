// Tests of base/parallel.cpp: parallel_for runs each job once on a few threads, and stops.
#include "base/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ch {
namespace {

TEST(ParallelFor, EveryIndexRunsExactlyOnce) {
  for (int threads : {1, 2, 4, 16}) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(runs.size(), threads, [&](std::size_t i) { runs[i]++; });
    for (std::size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << i;
  }
  bool ran = false;
  parallel_for(0, 4, [&](std::size_t) { ran = true; });
  EXPECT_FALSE(ran);
}

TEST(ParallelFor, UsesAtMostTheThreadsAskedForAndTheCallersOwn) {
  auto threads_used = [](std::size_t n, int threads) {
    std::mutex mu;
    std::set<std::thread::id> ids;
    std::atomic<int> running{0}, most{0};
    parallel_for(n, threads, [&](std::size_t) {
      int now = ++running;
      for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      --running;
      std::lock_guard lock(mu);
      ids.insert(std::this_thread::get_id());
    });
    EXPECT_LE(most.load(), threads < 1 ? 1 : threads);
    return ids;
  };
  // One thread (or none asked for): everything on the caller.
  for (int threads : {1, 0, -3}) {
    auto ids = threads_used(20, threads);
    EXPECT_EQ(ids, std::set<std::thread::id>{std::this_thread::get_id()}) << threads;
  }
  // Never more threads than jobs.
  EXPECT_LE(threads_used(2, 8).size(), 2u);
  EXPECT_LE(threads_used(50, 3).size(), 3u);
}

TEST(ParallelFor, FirstExceptionIsRethrownAndNoNewJobsStart) {
  std::atomic<int> started{0};
  try {
    parallel_for(1000, 1, [&](std::size_t i) {
      ++started;
      if (i == 3) throw std::runtime_error("job 3 failed");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 3 failed");
  }
  EXPECT_EQ(started.load(), 4);  // jobs 0..3 on the one thread, nothing after the failure

  // With several threads: every job may fail, one exception comes out, and jobs stop early.
  started = 0;
  EXPECT_THROW(parallel_for(100000, 4,
                            [&](std::size_t) {
                              ++started;
                              throw std::logic_error("x");
                            }),
               std::logic_error);
  EXPECT_LE(started.load(), 4);
}

}  // namespace
}  // namespace ch
