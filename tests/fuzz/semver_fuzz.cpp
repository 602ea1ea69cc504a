// Versions and constraints from Chart.yaml dependencies and index.yaml entries
// (ch::semver::Version::parse, Constraints::parse / check). Input: version '\n' version
// '\n' constraint. Oracles: the parsers agree with their try_ forms, strict and lenient agree
// where both accept, a version's canonical string parses to an equal version, and comparison
// is antisymmetric.
#include <string>

#include "fuzz.hpp"
#include "gocompat/semver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ch::semver::Constraints;
  using ch::semver::Version;
  std::string_view in = ch::fuzz::text(data, size);
  std::string_view a_text, rest;
  std::tie(a_text, rest) = ch::fuzz::split_once(in, '\n');
  std::string_view b_text, c_text;
  std::tie(b_text, c_text) = ch::fuzz::split_once(rest, '\n');

  auto a = Version::try_parse(a_text);
  CH_FUZZ_CHECK(a.has_value() == !ch::fuzz::refuses([&] { Version::parse(a_text); }));
  auto strict = Version::try_parse_strict(a_text);
  CH_FUZZ_CHECK(strict.has_value() == !ch::fuzz::refuses([&] { Version::parse_strict(a_text); }));
  // Not "strict implies lenient": Masterminds v3.3.0's strict parser lets an empty prerelease
  // identifier through ("1.0.0-a..b") where the lenient regex refuses it, and semver.cpp
  // copies that. Where both accept, they agree.
  if (strict && a) CH_FUZZ_CHECK(*a == *strict && a->str() == strict->str());
  if (a) {
    auto again = Version::try_parse(a->str());
    CH_FUZZ_CHECK(again && again->compare(*a) == 0 && again->str() == a->str());
    CH_FUZZ_CHECK(a->compare(*a) == 0);
  }
  auto b = Version::try_parse(b_text);
  if (a && b) CH_FUZZ_CHECK(a->compare(*b) == -b->compare(*a));

  std::optional<Constraints> c;
  if (ch::fuzz::refuses([&] { c = Constraints::parse(c_text); })) return 0;
  if (a) c->check(*a);
  if (b) c->check(*b);
  return 0;
}
