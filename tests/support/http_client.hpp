// A small blocking HTTP client over libcurl for the tests: one request, its status,
// headers (lower-cased names) and body; keeps its connection for reuse.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ch::testing {

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const;  // first value or ""
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // headers as "Name: value"; body sent when non-empty or when method is PUT/POST/PATCH.
  HttpResponse request(const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers = {}, const std::string& body = "");
  void set_ca_file(const std::string& path);
  void set_insecure(bool insecure);

 private:
  void* curl_;
  std::string ca_file_;
  bool insecure_ = false;
};

}  // namespace ch::testing
