// Running independent jobs on a few threads (downloads, registry requests).
#pragma once

#include <cstddef>
#include <functional>

namespace ch {

// Runs job(i) for every i in [0, n) on up to `threads` threads (the caller's included) and
// returns when all have finished. After a job throws, no new jobs start; the first
// exception is rethrown.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& job);

}  // namespace ch
