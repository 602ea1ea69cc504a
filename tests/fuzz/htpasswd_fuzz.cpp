// htpasswd files of `charthouse serve` (ch::server::auth::Htpasswd::parse) and the bcrypt
// hash checks. Only cheap hashes (cost 04) are verified: a valid file may hold cost-31
// hashes, which take hours by design.
#include <string>

#include "fuzz.hpp"
#include "server/auth/htpasswd.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace auth = ch::server::auth;
  std::string_view in = ch::fuzz::text(data, size);

  bool looks = auth::is_bcrypt_hash(in);
  if (looks) CH_FUZZ_CHECK(in.size() == 60);

  auth::Htpasswd file;
  if (ch::fuzz::refuses([&] { file = auth::Htpasswd::parse(in, "htpasswd"); })) return 0;
  std::string_view lines = in;
  while (!lines.empty()) {
    std::string_view line, rest;
    std::tie(line, rest) = ch::fuzz::split_once(lines, '\n');
    std::string_view user, hash;
    std::tie(user, hash) = ch::fuzz::split_once(line, ':');
    if (file.contains(user)) {
      const std::string* stored = file.hash(user);
      CH_FUZZ_CHECK(stored != nullptr && auth::is_bcrypt_hash(*stored));
      if (stored->compare(0, 7, "$2y$04$") == 0 || stored->compare(0, 7, "$2b$04$") == 0 ||
          stored->compare(0, 7, "$2a$04$") == 0) {
        file.verify(user, "password");
        file.verify(user, hash);
      }
    }
    if (rest.empty()) break;
    lines = rest;
  }
  return 0;
}
