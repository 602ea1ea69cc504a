#include "http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ch::bench {

namespace {

constexpr std::size_t kBufferSize = 1 << 20;

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::pair<std::string, std::uint16_t> split_host_port(const std::string& addr) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("address without port: " + addr);
  return {addr.substr(0, colon), static_cast<std::uint16_t>(std::stoi(addr.substr(colon + 1)))};
}

HttpConnection::HttpConnection(std::string host, std::uint16_t port)
    : host_(std::move(host)), port_(port), buf_(kBufferSize) {}

HttpConnection::~HttpConnection() {
  close();
}

void HttpConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  begin_ = end_ = 0;
}

void HttpConnection::connect() {
  close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw sys_error("socket");
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port_);
  if (::inet_pton(AF_INET, host_.c_str(), &sa.sin_addr) != 1)
    throw std::runtime_error("not an IPv4 address: " + host_);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    auto e = sys_error("connect " + host_ + ":" + std::to_string(port_));
    close();
    throw e;
  }
}

void HttpConnection::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw sys_error("send");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void HttpConnection::send_file(const FileBody& file) {
  off_t off = static_cast<off_t>(file.offset);
  std::uint64_t left = file.length;
  while (left > 0) {
    ssize_t n = ::sendfile(fd_, file.fd, &off, std::min<std::uint64_t>(left, 1 << 30));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw sys_error("sendfile");
    }
    if (n == 0) throw std::runtime_error("sendfile: file shorter than the body");
    left -= static_cast<std::uint64_t>(n);
  }
}

std::size_t HttpConnection::fill() {
  if (begin_ == end_) begin_ = end_ = 0;
  if (end_ == buf_.size()) {
    if (begin_ == 0) throw std::runtime_error("response header line too long");
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  for (;;) {
    ssize_t n = ::recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw sys_error("recv");
    end_ += static_cast<std::size_t>(n);
    return static_cast<std::size_t>(n);
  }
}

std::string HttpConnection::read_line() {
  for (;;) {
    auto* start = buf_.data() + begin_;
    auto* nl = static_cast<char*>(std::memchr(start, '\n', end_ - begin_));
    if (nl != nullptr) {
      std::string line(start, nl);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      begin_ = static_cast<std::size_t>(nl - buf_.data()) + 1;
      return line;
    }
    if (fill() == 0) throw std::runtime_error("connection closed by the server");
  }
}

void HttpConnection::read_body(HttpResponse& r, std::uint64_t length, bool discard,
                               bool in_kernel) {
  while (length > 0) {
    if (discard && in_kernel && begin_ == end_) {
      // TCP drops up to `length` queued bytes without copying them (tcp(7), MSG_TRUNC).
      ssize_t n = ::recv(fd_, buf_.data(), std::min<std::uint64_t>(length, 1 << 30), MSG_TRUNC);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw sys_error("recv");
      if (n == 0) throw std::runtime_error("connection closed mid-body");
      r.body_bytes += static_cast<std::uint64_t>(n);
      length -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (begin_ == end_ && fill() == 0) throw std::runtime_error("connection closed mid-body");
    std::size_t take = std::min<std::uint64_t>(length, end_ - begin_);
    if (!discard) r.body.append(buf_.data() + begin_, take);
    r.body_bytes += take;
    begin_ += take;
    length -= take;
  }
}

HttpResponse HttpConnection::send(const HttpRequest& req) {
  std::string head;
  head.reserve(256);
  head += req.method;
  head += ' ';
  head += req.target;
  head += " HTTP/1.1\r\nHost: ";
  head += host_ + ":" + std::to_string(port_);
  head += "\r\nUser-Agent: charthouse-loadgen\r\n";
  for (const auto& [k, v] : req.headers) head += k + ": " + v + "\r\n";
  std::uint64_t length = req.file != nullptr ? req.file->length : req.body.size();
  if (length > 0 || req.method == "PUT" || req.method == "POST" || req.method == "PATCH")
    head += "Content-Length: " + std::to_string(length) + "\r\n";
  head += "\r\n";

  for (int attempt = 0;; ++attempt) {
    bool fresh = fd_ < 0;
    if (fresh) connect();
    try {
      if (req.file == nullptr && req.body.size() < 64 * 1024) {
        write_all(head + std::string(req.body));
      } else {
        write_all(head);
        if (req.file != nullptr)
          send_file(*req.file);
        else
          write_all(req.body);
      }
      HttpResponse r;
      std::string status = read_line();
      if (status.size() < 12 || status.compare(0, 5, "HTTP/") != 0)
        throw std::runtime_error("bad status line: " + status);
      r.status = std::stoi(status.substr(9, 3));
      for (;;) {
        std::string line = read_line();
        if (line.empty()) break;
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = lower(line.substr(0, colon));
        std::size_t v = colon + 1;
        while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
        auto [it, inserted] = r.headers.emplace(name, line.substr(v));
        if (!inserted) it->second += ", " + line.substr(v);
      }
      bool no_body = req.method == "HEAD" || r.status == 204 || r.status == 304 ||
                     (r.status >= 100 && r.status < 200);
      if (!no_body) {
        if (lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
          for (;;) {
            std::string size_line = read_line();
            std::uint64_t size = std::stoull(size_line, nullptr, 16);
            if (size == 0) {
              while (!read_line().empty()) {
              }
              break;
            }
            read_body(r, size, req.discard_body);
            read_line();
          }
        } else if (auto cl = r.header("content-length"); !cl.empty()) {
          read_body(r, std::stoull(cl), req.discard_body, req.discard_in_kernel);
        } else {
          // Body until close.
          while (true) {
            if (begin_ == end_ && fill() == 0) break;
            if (!req.discard_body) r.body.append(buf_.data() + begin_, end_ - begin_);
            r.body_bytes += end_ - begin_;
            begin_ = end_;
          }
          close();
        }
      }
      if (lower(r.header("connection")) == "close") close();
      return r;
    } catch (const std::runtime_error&) {
      // A kept-alive connection the server closed meanwhile: retry once on a new one, but
      // only for requests that can be replayed (all of ours can).
      close();
      if (fresh || attempt > 0) throw;
    }
  }
}

}  // namespace ch::bench
