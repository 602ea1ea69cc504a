// oci:// references (ch::oci::Reference::parse) and the repository / tag validators: what a
// user types, what a Chart.yaml dependency or a registry's Location / Link header carries.
#include "base/digest.hpp"
#include "fuzz.hpp"
#include "oci/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ch::oci::Reference;
  std::string_view in = ch::fuzz::text(data, size);

  if (ch::oci::valid_tag(in)) CH_FUZZ_CHECK(!in.empty() && in.size() <= 128);
  if (ch::oci::valid_repository(in))
    CH_FUZZ_CHECK(in.find_first_of(":@ ") == std::string_view::npos);
  std::string tag = ch::oci::version_to_tag(in);
  CH_FUZZ_CHECK(tag.size() == in.size() && tag.find('+') == std::string::npos);
  ch::oci::tag_to_version(in);

  Reference ref;
  if (ch::fuzz::refuses([&] { ref = Reference::parse(in); })) return 0;
  CH_FUZZ_CHECK(!ref.registry.empty());
  CH_FUZZ_CHECK(ch::oci::valid_repository(ref.repository));
  CH_FUZZ_CHECK(ref.tag.empty() || ch::oci::valid_tag(ref.tag));
  CH_FUZZ_CHECK(ref.digest.empty() || ch::Digest::is_valid(ref.digest));

  // What we print we must read back to the same reference (the registry part is not
  // validated by parse, so a registry holding '@' cannot round-trip; skip those).
  std::string printed = ref.str();
  if (ref.registry.find('@') == std::string::npos) {
    Reference again;
    CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { again = Reference::parse(printed); }));
    CH_FUZZ_CHECK(again.registry == ref.registry);
    CH_FUZZ_CHECK(again.repository == ref.repository);
    CH_FUZZ_CHECK(again.tag == ref.tag);
    CH_FUZZ_CHECK(ref.tag.empty() ? again.digest == ref.digest : again.digest.empty());
  }
  return 0;
}
