#include "base/pgzip.hpp"

#include <zlib.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "base/error.hpp"

namespace ch {

namespace {

constexpr size_t kBlock = 1 << 20;
constexpr size_t kDict = 32 * 1024;

struct Job {
  std::string input;
  std::string dict;  // the 32 KiB before this block
  bool last = false;
  std::string output;
  unsigned long crc = 0;
  bool done = false;
};

void put_le32(std::string& out, unsigned long v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void compress(Job& job, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(ErrorCode::kInternal, "deflateInit2 failed");
  if (!job.dict.empty())
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(job.dict.data()),
                         static_cast<uInt>(job.dict.size()));
  job.output.resize(deflateBound(&z, job.input.size()) + 64);
  z.next_in = reinterpret_cast<Bytef*>(job.input.data());
  z.avail_in = static_cast<uInt>(job.input.size());
  z.next_out = reinterpret_cast<Bytef*>(job.output.data());
  z.avail_out = static_cast<uInt>(job.output.size());
  int r = deflate(&z, job.last ? Z_FINISH : Z_SYNC_FLUSH);
  bool ok = job.last ? r == Z_STREAM_END : (r == Z_OK && z.avail_in == 0);
  job.output.resize(job.output.size() - z.avail_out);
  deflateEnd(&z);
  if (!ok) throw Error(ErrorCode::kInternal, "deflate failed");
  job.crc = crc32(0L, reinterpret_cast<const Bytef*>(job.input.data()),
                  static_cast<uInt>(job.input.size()));
}

}  // namespace

struct ParallelGzip::Impl {
  Sink sink;
  int level;
  std::string pending;    // input not yet cut into a block
  std::string prev_tail;  // last 32 KiB of input handed out
  unsigned long crc = crc32(0L, Z_NULL, 0);
  unsigned long total = 0;
  std::deque<std::shared_ptr<Job>> queue;  // in order; workers pick the first not started
  size_t next_to_start = 0;                // index into queue of the next job to compress
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  bool stop = false;
  std::exception_ptr error;
  std::vector<std::thread> workers;
  size_t max_in_flight;

  void worker() {
    std::unique_lock lk(mu);
    while (true) {
      work_cv.wait(lk, [&] { return stop || next_to_start < queue.size(); });
      if (next_to_start >= queue.size()) return;
      auto job = queue[next_to_start++];
      lk.unlock();
      try {
        compress(*job, level);
      } catch (...) {
        lk.lock();
        if (!error) error = std::current_exception();
        job->done = true;
        done_cv.notify_all();
        continue;
      }
      lk.lock();
      job->done = true;
      done_cv.notify_all();
    }
  }

  // Writes finished jobs at the front of the queue, in order.
  void drain(std::unique_lock<std::mutex>& lk, bool all) {
    while (!queue.empty()) {
      if (!queue.front()->done) {
        if (!all && queue.size() < max_in_flight) return;
        done_cv.wait(lk, [&] { return queue.front()->done; });
      }
      if (error) std::rethrow_exception(error);
      auto job = queue.front();
      queue.pop_front();
      next_to_start--;
      lk.unlock();
      sink(job->output);
      crc = crc32_combine(crc, job->crc, static_cast<z_off_t>(job->input.size()));
      total += static_cast<unsigned long>(job->input.size());
      lk.lock();
    }
  }

  void submit(std::string block, bool last) {
    auto job = std::make_shared<Job>();
    job->dict = prev_tail;
    job->last = last;
    std::string tail =
        block.size() >= kDict ? block.substr(block.size() - kDict) : prev_tail + block;
    prev_tail = tail.size() > kDict ? tail.substr(tail.size() - kDict) : std::move(tail);
    job->input = std::move(block);
    std::unique_lock lk(mu);
    queue.push_back(job);
    work_cv.notify_one();
    drain(lk, false);
  }
};

ParallelGzip::ParallelGzip(Sink sink, GzipHeader header, unsigned threads, int level)
    : impl_(std::make_unique<Impl>()) {
  impl_->sink = std::move(sink);
  impl_->level = level;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  impl_->max_in_flight = threads * 2;
  std::string h = {'\x1f', '\x8b', '\x08'};
  unsigned char flags = 0;
  if (!header.extra.empty()) flags |= 0x04;
  if (!header.comment.empty()) flags |= 0x10;
  h.push_back(static_cast<char>(flags));
  h.append(4, '\0');                                              // MTIME 0
  h.push_back(level == 9 ? '\x02' : level == 1 ? '\x04' : '\0');  // XFL as zlib writes it
  h.push_back(static_cast<char>(header.os));
  if (!header.extra.empty()) {
    h.push_back(static_cast<char>(header.extra.size() & 0xFF));
    h.push_back(static_cast<char>(header.extra.size() >> 8));
    h += header.extra;
  }
  if (!header.comment.empty()) {
    h += header.comment;
    h.push_back('\0');
  }
  impl_->sink(h);
  for (unsigned i = 0; i < threads; ++i) impl_->workers.emplace_back([this] { impl_->worker(); });
}

ParallelGzip::~ParallelGzip() {
  {
    std::lock_guard lk(impl_->mu);
    impl_->stop = true;
  }
  impl_->work_cv.notify_all();
  for (auto& t : impl_->workers) t.join();
}

void ParallelGzip::write(std::string_view data) {
  while (!data.empty()) {
    size_t take = std::min(data.size(), kBlock - impl_->pending.size());
    impl_->pending.append(data.substr(0, take));
    data.remove_prefix(take);
    if (impl_->pending.size() == kBlock) {
      impl_->submit(std::move(impl_->pending), false);
      impl_->pending.clear();
    }
  }
}

void ParallelGzip::finish() {
  impl_->submit(std::move(impl_->pending), true);
  impl_->pending.clear();
  {
    std::unique_lock lk(impl_->mu);
    impl_->drain(lk, true);
  }
  std::string trailer;
  put_le32(trailer, impl_->crc);
  put_le32(trailer, impl_->total);
  impl_->sink(trailer);
}

}  // namespace ch
