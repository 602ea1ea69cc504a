// Unit tests of the registry's authentication layer: htpasswd (bcrypt), access rules and
// their globs, scopes, ES256 JWTs and the signing key file, the token endpoint and
// Authenticator::authorize in each mode.
#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/random.hpp"
#include "server/auth/access.hpp"
#include "server/auth/auth.hpp"
#include "server/auth/htpasswd.hpp"
#include "server/auth/jwt.hpp"
#include "testing.hpp"

namespace ch::server::auth {
namespace {

using json = nlohmann::json;
using Params = std::multimap<std::string, std::string>;

// A bcrypt hash of `password` made here, the way `htpasswd -B` does (cost 4 keeps tests fast).
std::string bcrypt(const std::string& password, const char* prefix = "$2b$") {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt), nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), salt, data.get());
  EXPECT_NE(out, nullptr);
  return out;
}

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json jwt_part(const std::string& token, int part) {
  size_t d1 = token.find('.');
  size_t d2 = token.find('.', d1 + 1);
  std::string_view seg = part == 0 ? std::string_view(token).substr(0, d1)
                                   : std::string_view(token).substr(d1 + 1, d2 - d1 - 1);
  auto text = base64url_decode(seg);
  EXPECT_TRUE(text.has_value());
  return json::parse(text.value_or("null"));
}

Scope scope(const std::string& text) {
  auto s = Scope::parse(text);
  EXPECT_TRUE(s.has_value()) << text;
  return s.value_or(Scope{});
}

// ---------------------------------------------------------------- htpasswd

TEST(Htpasswd, VerifiesBcryptHashesMadeByCrypt) {
  auto h =
      Htpasswd::parse("alice:" + bcrypt("s3cret") + "\nbob:" + bcrypt("hunter2", "$2y$") + "\n");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_TRUE(h.verify("alice", "s3cret"));
  EXPECT_TRUE(h.verify("bob", "hunter2"));
}

TEST(Htpasswd, AcceptsLinesWrittenByApacheHtpasswd) {
  // `htpasswd -B -b -c users alice 'p@ss:w0rd'` (apache2-utils 2.4).
  auto h = Htpasswd::parse("alice:$2y$05$OB95P4MivL8YyLYKpsKAcutZTaMHNlcnEEmtY/XDd9Kz6mCpb2Kje\n");
  EXPECT_TRUE(h.verify("alice", "p@ss:w0rd"));
  EXPECT_FALSE(h.verify("alice", "p@ss:w0rD"));
}

TEST(Htpasswd, RejectsWrongPasswordAndUnknownUser) {
  auto h = Htpasswd::parse("alice:" + bcrypt("s3cret") + "\n");
  EXPECT_FALSE(h.verify("alice", "s3cret2"));
  EXPECT_FALSE(h.verify("alice", ""));
  EXPECT_FALSE(h.verify("bob", "s3cret"));
  EXPECT_FALSE(h.contains("bob"));
  EXPECT_TRUE(h.contains("alice"));
}

TEST(Htpasswd, SkipsCommentsBlankLinesAndCarriageReturns) {
  auto h = Htpasswd::parse("# users\n\nalice:" + bcrypt("pw") + "\r\n   \n");
  EXPECT_EQ(h.size(), 1u);
  EXPECT_TRUE(h.verify("alice", "pw"));
}

TEST(Htpasswd, MalformedLineNamesFileAndLine) {
  try {
    Htpasswd::parse("alice:" + bcrypt("pw") + "\njustaname\n", "users.htpasswd");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("users.htpasswd:2: malformed htpasswd line"),
              std::string::npos)
        << e.what();
  }
}

TEST(Htpasswd, RejectsOtherHashSchemesAtLoad) {
  for (std::string hash : {"$apr1$abcdefgh$0123456789abcdefghijkl",
                           "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "plaintext", "$1$salt$hash"}) {
    try {
      Htpasswd::parse("carol:" + hash + "\n", "f");
      FAIL() << "accepted " << hash;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("f:1: user \"carol\": unsupported password hash scheme"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(Htpasswd::parse("carol:$2y$05$tooshort\n"), Error);
}

TEST(Htpasswd, RejectsDuplicateUsersAndMissingFile) {
  std::string line = "alice:" + bcrypt("pw") + "\n";
  EXPECT_THROW(Htpasswd::parse(line + line), Error);
  fs::TempDir dir;
  try {
    Htpasswd::load(dir.path() / "missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read htpasswd file"), std::string::npos);
  }
}

// ---------------------------------------------------------------- scopes and globs

TEST(Scope, ParsesAndPrints) {
  auto s = scope("repository:team/app:pull,push");
  EXPECT_EQ(s.type, "repository");
  EXPECT_EQ(s.name, "team/app");
  EXPECT_EQ(s.actions, (std::vector<std::string>{"pull", "push"}));
  EXPECT_EQ(s.str(), "repository:team/app:pull,push");
  auto port = scope("repository:localhost:5000/app:pull");
  EXPECT_EQ(port.name, "localhost:5000/app");
  EXPECT_EQ(scope("registry:catalog:*").actions, std::vector<std::string>{"*"});
  EXPECT_EQ(scope("repository(plugin):a:pull,pull").str(), "repository:a:pull");
}

TEST(Scope, RejectsMalformed) {
  for (const char* bad : {"", "repository", "repository:app", "repository::pull", "Repo:app:pull",
                          "repository:app:", "repository:app:PULL", "repository:a b:pull",
                          "repository:app\":pull", "repository:/app:pull"})
    EXPECT_FALSE(Scope::parse(bad).has_value()) << bad;
  std::vector<std::string> bad;
  auto list = parse_scope_list("repository:a:pull  nonsense registry:catalog:*", &bad);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(bad, std::vector<std::string>{"nonsense"});
}

TEST(RepoGlob, StarCrossesSlashes) {
  EXPECT_TRUE(repo_glob_match("*", "a/b/c"));
  EXPECT_TRUE(repo_glob_match("team/*", "team/app"));
  EXPECT_TRUE(repo_glob_match("team/*", "team/sub/app"));
  EXPECT_FALSE(repo_glob_match("team/*", "teamx/app"));
  EXPECT_FALSE(repo_glob_match("team/*", "other/team/app"));
  EXPECT_TRUE(repo_glob_match("*/charts/*", "org/charts/nginx"));
  EXPECT_TRUE(repo_glob_match("app?", "app1"));
  EXPECT_FALSE(repo_glob_match("app?", "app"));
  EXPECT_TRUE(repo_glob_match("v[0-9]", "v7"));
  EXPECT_FALSE(repo_glob_match("v[^0-9]", "v7"));
  EXPECT_TRUE(repo_glob_match("a\\*", "a*"));
  EXPECT_FALSE(repo_glob_match("a\\*", "ab"));
  EXPECT_TRUE(repo_glob_match("exact/name", "exact/name"));
  EXPECT_FALSE(repo_glob_match("exact/name", "exact/name2"));
  EXPECT_FALSE(repo_glob_valid("a[b"));
  EXPECT_FALSE(repo_glob_valid("a\\"));
  EXPECT_THROW(repo_glob_match("[]", "x"), Error);
}

// ---------------------------------------------------------------- access rules

const char* kAccessYaml = R"(
anonymous: {pull: ["public/*"]}
users:
  alice: {pull: ["*"], push: ["team/*"], delete: ["team/*"], catalog: true}
  bob: {pull: ["*"]}
  carol: {}
default: {pull: ["shared/*"]}
)";

TEST(AccessRules, FileDecidesPerUserAndAction) {
  auto r = AccessRules::parse(kAccessYaml);
  std::optional<std::string> alice = "alice", bob = "bob", carol = "carol", dave = "dave";
  EXPECT_EQ(r.allowed(alice, "repository", "team/app"),
            (std::vector<std::string>{"pull", "push", "delete"}));
  EXPECT_EQ(r.allowed(alice, "repository", "other/app"), std::vector<std::string>{"pull"});
  EXPECT_EQ(r.allowed(bob, "repository", "team/app"), std::vector<std::string>{"pull"});
  // carol has her own (empty) entry: only anonymous rights, not `default`.
  EXPECT_TRUE(r.allowed(carol, "repository", "shared/x").empty());
  EXPECT_EQ(r.allowed(carol, "repository", "public/x"), std::vector<std::string>{"pull"});
  // dave has no entry: `default` plus anonymous.
  EXPECT_EQ(r.allowed(dave, "repository", "shared/x"), std::vector<std::string>{"pull"});
  EXPECT_TRUE(r.allowed(dave, "repository", "team/app").empty());
  EXPECT_EQ(r.allowed(alice, "registry", "catalog"), std::vector<std::string>{"*"});
  EXPECT_TRUE(r.allowed(bob, "registry", "catalog").empty());
}

TEST(AccessRules, AnonymousPullOnPatternsOnly) {
  auto r = AccessRules::parse(kAccessYaml);
  EXPECT_TRUE(r.allows(std::nullopt, scope("repository:public/charts/nginx:pull")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("repository:public/nginx:pull,push")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("repository:team/app:pull")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("registry:catalog:*")));
}

TEST(AccessRules, NoFileMeansUsersMayDoEverythingAnonymousNothing) {
  AccessRules r;
  EXPECT_TRUE(r.allows(std::string("anyone"), scope("repository:a/b:pull,push,delete")));
  EXPECT_TRUE(r.allows(std::string("anyone"), scope("repository:a/b:*")));
  EXPECT_TRUE(r.allows(std::string("anyone"), scope("registry:catalog:*")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("repository:a/b:pull")));
}

TEST(AccessRules, GrantIntersectsAndNeverExceedsRequest) {
  auto r = AccessRules::parse(kAccessYaml);
  EXPECT_EQ(r.grant(std::string("bob"), scope("repository:team/app:pull,push")).str(),
            "repository:team/app:pull");
  EXPECT_EQ(r.grant(std::string("alice"), scope("repository:team/app:push")).str(),
            "repository:team/app:push");
  EXPECT_EQ(r.grant(std::string("alice"), scope("repository:team/app:*")).str(),
            "repository:team/app:*");
  EXPECT_EQ(r.grant(std::string("alice"), scope("repository:x:*")).str(), "repository:x:pull");
  EXPECT_TRUE(r.grant(std::string("bob"), scope("repository:team/app:push")).actions.empty());
  EXPECT_TRUE(r.grant(std::string("alice"), scope("repository:team/app:mount")).actions.empty());
  EXPECT_TRUE(r.grant(std::string("alice"), scope("registry:other:*")).actions.empty());
}

TEST(AccessRules, SignaturePolicyTakesTheFirstMatchingRule) {
  const std::filesystem::path fixture =
      std::filesystem::path(CH_FIXTURES_DIR) / "signatures/cosign-skopeo";
  AccessRules r = AccessRules::parse(
      "signatures:\n"
      "  - repositories: [\"prod/*\", \"release\"]\n"
      "    keys: [pub.pem]\n"
      "  - repositories: \"*\"\n"
      "    keys: [pub.pem, pub.pem]\n",
      "access.yaml", fixture);
  ASSERT_NE(r.signature_keys("prod/app"), nullptr);
  EXPECT_EQ(r.signature_keys("prod/app")->size(), 1u);
  EXPECT_EQ(r.signature_keys("release")->size(), 1u);
  EXPECT_EQ(r.signature_keys("dev/app")->size(), 2u);
  EXPECT_EQ(AccessRules::parse("signatures:\n  - {repositories: [a], keys: [pub.pem]}\n",
                               "access.yaml", fixture)
                .signature_keys("b"),
            nullptr);
  EXPECT_EQ(AccessRules().signature_keys("a"), nullptr);

  auto message = [&](const std::string& yaml) {
    try {
      AccessRules::parse(yaml, "access.yaml", fixture);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("signatures: {a: b}\n"),
            "access.yaml: signatures: want a list of {repositories, keys}");
  EXPECT_EQ(message("signatures:\n  - {keys: [pub.pem]}\n"),
            "access.yaml: signatures[0].repositories: want at least one pattern");
  EXPECT_EQ(message("signatures:\n  - {repositories: [a]}\n"),
            "access.yaml: signatures[0].keys: want at least one public key file");
  EXPECT_EQ(message("signatures:\n  - {repositories: [a], keys: [pub.pem], key: x}\n"),
            "access.yaml: signatures[0].key: unknown key (want repositories or keys)");
  EXPECT_NE(message("signatures:\n  - {repositories: [a], keys: [key.pem]}\n")
                .find("access.yaml: signatures[0].keys: public key " +
                      (fixture / "key.pem").string() + ": "),
            std::string::npos);
  EXPECT_NE(message("signatures:\n  - {repositories: [a], keys: [missing.pub]}\n")
                .find("signatures[0].keys: public key"),
            std::string::npos);
}

TEST(AccessRules, BadFilesGetClearErrors) {
  auto message = [](const std::string& yaml) {
    try {
      AccessRules::parse(yaml, "access.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("users:\n  alice: {pull: [\"a\"], pul: [\"b\"]}\n"),
            "access.yaml: users.alice.pul: unknown key (want pull, push, delete or catalog)");
  EXPECT_EQ(message("admins: {}\n"),
            "access.yaml: admins: unknown key (want anonymous, users, default or signatures)");
  EXPECT_NE(message("anonymous: {pull: [\"a[b\"]}\n")
                .find("anonymous.pull: invalid repository "
                      "pattern \"a[b\""),
            std::string::npos);
  EXPECT_EQ(message("default: {catalog: maybe}\n"),
            "access.yaml: default.catalog: want true or false");
  EXPECT_NE(message("users: [\n").find("access.yaml: malformed YAML"), std::string::npos);
  EXPECT_EQ(message("- a\n"), "access.yaml: want a mapping with keys anonymous, users, default");
  // An empty file grants nothing at all.
  auto empty = AccessRules::parse("");
  EXPECT_FALSE(empty.allows(std::string("alice"), scope("repository:a:pull")));
}

// ---------------------------------------------------------------- JWT

Claims sample_claims(std::int64_t t) {
  Claims c;
  c.issuer = "charthouse";
  c.subject = "alice";
  c.audience = "charthouse";
  c.jwt_id = random_hex(16);
  c.issued_at = t;
  c.not_before = t;
  c.expires_at = t + 300;
  c.access = {scope("repository:team/app:pull,push")};
  return c;
}

TEST(Jwt, RoundTripKeepsClaimsAndHeader) {
  auto key = SigningKey::generate();
  auto t = now();
  std::string token = key.sign(sample_claims(t));
  json header = jwt_part(token, 0);
  EXPECT_EQ(header, json({{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.key_id()}}));
  EXPECT_EQ(key.key_id().size(), 43u);  // base64url of a SHA-256 thumbprint
  Claims c = key.verify(token);
  EXPECT_EQ(c.issuer, "charthouse");
  EXPECT_EQ(c.subject, "alice");
  EXPECT_EQ(c.audience, "charthouse");
  EXPECT_EQ(c.expires_at, t + 300);
  EXPECT_EQ(c.not_before, t);
  EXPECT_EQ(c.issued_at, t);
  ASSERT_EQ(c.access.size(), 1u);
  EXPECT_EQ(c.access[0].str(), "repository:team/app:pull,push");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t), "");
  // The signature is raw r||s (64 bytes), not DER.
  auto sig = base64url_decode(token.substr(token.rfind('.') + 1));
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->size(), 64u);
}

TEST(Jwt, TamperedPayloadOrSignatureIsRejected) {
  auto key = SigningKey::generate();
  std::string token = key.sign(sample_claims(now()));
  size_t d1 = token.find('.'), d2 = token.rfind('.');

  Claims evil = sample_claims(now());
  evil.access = {scope("repository:team/app:pull,push,delete")};
  std::string other = key.sign(evil);
  std::string swapped = token.substr(0, d1) +
                        other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                        token.substr(d2);
  EXPECT_THROW(key.verify(swapped), Error);

  std::string flipped = token;
  char& c = flipped[d2 + 5];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_THROW(key.verify(flipped), Error);

  EXPECT_THROW(key.verify(token.substr(0, d2)), Error);
  EXPECT_THROW(key.verify(token + "x"), Error);
  // Signed by another key.
  EXPECT_THROW(SigningKey::generate().verify(token), Error);
  // alg "none".
  std::string none =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + token.substr(d1, d2 - d1) + ".";
  try {
    key.verify(none);
    FAIL() << "accepted alg none";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ES256"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(key.verify(token));
}

TEST(Jwt, ExpiredWrongAudienceOrIssuerRejected) {
  auto key = SigningKey::generate();
  auto t = now();
  Claims c = key.verify(key.sign(sample_claims(t)));
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t + 299), "");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t + 300), "token has expired");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t + 310, 30), "");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t - 1), "token is not valid yet");
  EXPECT_EQ(check_claims(c, "charthouse", "other-registry", t), "token for another service");
  EXPECT_EQ(check_claims(c, "someone-else", "charthouse", t), "token from another issuer");
}

TEST(SigningKeyFile, GeneratedWithMode0600AndReused) {
  fs::TempDir dir;
  auto file = dir.path() / "keys" / "token.pem";
  auto first = SigningKey::load_or_create(file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(testing::read(file).find("BEGIN PRIVATE KEY"), std::string::npos);
  auto second = SigningKey::load_or_create(file);
  EXPECT_EQ(first.key_id(), second.key_id());
  EXPECT_NO_THROW(second.verify(first.sign(sample_claims(now()))));
  // No temporary files left next to it.
  EXPECT_EQ(testing::list_files(dir.path()), std::vector<std::string>{"keys/token.pem"});
}

TEST(SigningKeyFile, RejectsGarbageAndOtherCurves) {
  fs::TempDir dir;
  testing::write(dir.path() / "garbage.pem", "not a key\n");
  EXPECT_THROW(SigningKey::load_or_create(dir.path() / "garbage.pem"), Error);
  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(p384, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, p384, nullptr, nullptr, 0, nullptr, nullptr);
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  std::string pem(mem->data, mem->length);
  BIO_free(bio);
  EVP_PKEY_free(p384);
  try {
    SigningKey::from_pem(pem, "p384.pem");
    FAIL() << "accepted P-384";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p384.pem: EC key is not on curve P-256"),
              std::string::npos)
        << e.what();
  }
}

// ---------------------------------------------------------------- Authenticator fixtures

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    htpasswd_ = dir_.path() / "htpasswd";
    access_ = dir_.path() / "access.yaml";
    key_ = dir_.path() / "token.pem";
    testing::write(htpasswd_, "alice:" + bcrypt("alicepw") + "\nbob:" + bcrypt("bobpw") + "\n");
    testing::write(access_, kAccessYaml);
  }

  Config config(Mode mode, bool with_access = true) const {
    Config c;
    c.mode = mode;
    c.htpasswd_file = htpasswd_.string();
    if (with_access) c.access_file = access_.string();
    c.token_key_file = key_.string();
    return c;
  }

  fs::TempDir dir_;
  std::filesystem::path htpasswd_, access_, key_;
};

json body_of(const TokenReply& r) {
  return json::parse(r.body);
}

// ---------------------------------------------------------------- authorize: none, htpasswd

TEST_F(AuthTest, ModeNoneAllowsEverything) {
  Authenticator a(Config{});
  auto d = a.authorize("", {scope("repository:x:pull,push,delete")}, "h", false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.status, 200);
}

TEST_F(AuthTest, HtpasswdMissingOrWrongCredentialsGetBasicChallenge) {
  Authenticator a(config(Mode::kHtpasswd));
  auto needed = std::vector<Scope>{scope("repository:team/app:pull")};
  for (const std::string& header :
       {std::string(), basic("alice", "wrong"), basic("mallory", "alicepw"),
        std::string("Basic !!!"), std::string("Bearer abc")}) {
    auto d = a.authorize(header, needed, "h", false);
    EXPECT_FALSE(d.allowed) << header;
    EXPECT_EQ(d.status, 401);
    EXPECT_EQ(d.error_code, "UNAUTHORIZED");
    EXPECT_EQ(d.www_authenticate, "Basic realm=\"charthouse\"");
  }
}

TEST_F(AuthTest, HtpasswdValidUserAllowedOrDenied) {
  Authenticator a(config(Mode::kHtpasswd));
  auto ok =
      a.authorize(basic("alice", "alicepw"), {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_TRUE(ok.allowed);
  EXPECT_EQ(ok.user, "alice");
  // A lower-case scheme works too, and the cached check still rejects a wrong password.
  EXPECT_TRUE(a.authorize(basic("alice", "alicepw").replace(0, 5, "basic"),
                          {scope("repository:team/app:pull")}, "h", false)
                  .allowed);
  EXPECT_FALSE(a.authorize(basic("alice", "alicepw2"), {}, "h", false).allowed);

  auto denied =
      a.authorize(basic("bob", "bobpw"), {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.error_code, "DENIED");
  EXPECT_EQ(denied.user, "bob");
  EXPECT_EQ(denied.www_authenticate, "");
}

TEST_F(AuthTest, HtpasswdPasswordMayContainColons) {
  testing::write(htpasswd_, "alice:$2y$05$OB95P4MivL8YyLYKpsKAcutZTaMHNlcnEEmtY/XDd9Kz6mCpb2Kje\n");
  Authenticator a(config(Mode::kHtpasswd, false));
  EXPECT_TRUE(a.authorize(basic("alice", "p@ss:w0rd"), {}, "h", false).allowed);
  EXPECT_FALSE(a.authorize(basic("alice", "p@ss"), {}, "h", false).allowed);
}

TEST_F(AuthTest, HtpasswdAnonymousPullButPingNeedsLogin) {
  Authenticator a(config(Mode::kHtpasswd));
  auto pub = a.authorize("", {scope("repository:public/nginx:pull")}, "h", false);
  EXPECT_TRUE(pub.allowed);
  EXPECT_EQ(pub.user, "");
  EXPECT_EQ(a.authorize("", {scope("repository:public/nginx:push")}, "h", false).status, 401);
  EXPECT_EQ(a.authorize("", {}, "h", false).status, 401);
  EXPECT_TRUE(a.authorize(basic("bob", "bobpw"), {}, "h", false).allowed);
}

TEST_F(AuthTest, HtpasswdWithoutAccessFileLetsUsersDoEverything) {
  Authenticator a(config(Mode::kHtpasswd, false));
  EXPECT_TRUE(
      a.authorize(basic("bob", "bobpw"),
                  {scope("repository:any/thing:pull,push,delete"), scope("registry:catalog:*")},
                  "h", false)
          .allowed);
  EXPECT_EQ(a.authorize("", {scope("repository:public/x:pull")}, "h", false).status, 401);
}

TEST_F(AuthTest, ReloadPicksUpNewUsersAndKeepsOldStateOnBadFiles) {
  Authenticator a(config(Mode::kHtpasswd));
  EXPECT_EQ(a.authorize(basic("carol", "carolpw"), {}, "h", false).status, 401);
  testing::write(htpasswd_, testing::read(htpasswd_) + "carol:" + bcrypt("carolpw") + "\n");
  a.reload();
  EXPECT_TRUE(a.authorize(basic("carol", "carolpw"), {}, "h", false).allowed);

  testing::write(htpasswd_, "broken line\n");
  EXPECT_THROW(a.reload(), Error);
  EXPECT_TRUE(a.authorize(basic("carol", "carolpw"), {}, "h", false).allowed);

  // A password change takes effect although the old one was cached.
  testing::write(htpasswd_, "alice:" + bcrypt("newpw") + "\n");
  EXPECT_TRUE(a.authorize(basic("alice", "alicepw"), {}, "h", false).allowed);
  a.reload();
  EXPECT_FALSE(a.authorize(basic("alice", "alicepw"), {}, "h", false).allowed);
  EXPECT_TRUE(a.authorize(basic("alice", "newpw"), {}, "h", false).allowed);
}

TEST_F(AuthTest, BadConfigurationsFailAtConstruction) {
  Config c = config(Mode::kHtpasswd);
  c.htpasswd_file.clear();
  EXPECT_THROW(Authenticator{c}, Error);
  c = config(Mode::kHtpasswd);
  c.htpasswd_file = (dir_.path() / "nope").string();
  EXPECT_THROW(Authenticator{c}, Error);
  testing::write(access_, "users: {alice: {pull: 7x}\n");
  EXPECT_THROW(Authenticator{config(Mode::kHtpasswd)}, Error);
  c = config(Mode::kToken, false);
  c.realm = "auth.example.com/token";
  EXPECT_THROW(Authenticator{c}, Error);
  c = config(Mode::kToken, false);
  c.token_key_file.clear();
  EXPECT_THROW(Authenticator{c}, Error);
}

// ---------------------------------------------------------------- token endpoint

TEST_F(AuthTest, TokenGetAnonymousGetsOnlyAnonymousRights) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("GET",
                   Params{{"service", "charthouse"},
                          {"scope", "repository:public/nginx:pull,push"},
                          {"scope", "repository:team/app:pull"}},
                   "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  json b = body_of(r);
  EXPECT_EQ(b["token"], b["access_token"]);
  EXPECT_EQ(b["expires_in"], 300);
  EXPECT_TRUE(b["issued_at"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(b.contains("refresh_token"));
  json claims = jwt_part(b["token"], 1);
  EXPECT_EQ(claims["sub"], "");
  EXPECT_EQ(claims["aud"], "charthouse");
  EXPECT_EQ(claims["iss"], "charthouse");
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 300);
  EXPECT_EQ(claims["access"],
            json::parse(R"([{"type":"repository","name":"public/nginx","actions":["pull"]}])"));
}

TEST_F(AuthTest, TokenGetWithBasicAndScopeIntersection) {
  Authenticator a(config(Mode::kToken));
  // bob asks for push and pull on team/app, may only pull.
  auto r =
      a.token("GET", Params{{"service", "charthouse"}, {"scope", "repository:team/app:pull,push"}},
              basic("bob", "bobpw"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(body_of(r).contains("refresh_token"));  // only with offline_token=true
  json claims = jwt_part(body_of(r)["token"], 1);
  EXPECT_EQ(claims["sub"], "bob");
  EXPECT_EQ(claims["access"],
            json::parse(R"([{"type":"repository","name":"team/app","actions":["pull"]}])"));

  // alice gets both, for several scopes at once (repeated params and a space-separated one).
  r = a.token("GET",
              Params{{"scope", "repository:team/app:push,pull"},
                     {"scope", "repository:team/lib:pull registry:catalog:*"},
                     {"scope", "repository:team/app:delete"}},
              basic("alice", "alicepw"));
  ASSERT_EQ(r.status, 200) << r.body;
  claims = jwt_part(body_of(r)["token"], 1);
  EXPECT_EQ(claims["access"], json::parse(R"([
      {"type":"repository","name":"team/app","actions":["push","pull","delete"]},
      {"type":"repository","name":"team/lib","actions":["pull"]},
      {"type":"registry","name":"catalog","actions":["*"]}])"));
}

TEST_F(AuthTest, TokenGetBadCredentials) {
  Authenticator a(config(Mode::kToken));
  for (const std::string& header : {basic("bob", "nope"), basic("nobody", "bobpw"),
                                    std::string("Basic %%%"), std::string("Digest x")}) {
    auto r = a.token("GET", Params{{"scope", "repository:public/x:pull"}}, header);
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_EQ(r.www_authenticate, "Basic realm=\"charthouse\"");
    json b = body_of(r);
    EXPECT_EQ(b["errors"][0]["code"], "UNAUTHORIZED");
    EXPECT_FALSE(b.contains("token"));
  }
}

TEST_F(AuthTest, TokenGetOfflineTokenReturnsRefreshToken) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("GET", Params{{"offline_token", "true"}}, basic("bob", "bobpw"));
  ASSERT_EQ(r.status, 200);
  json b = body_of(r);
  ASSERT_TRUE(b.contains("refresh_token"));
  EXPECT_EQ(jwt_part(b["refresh_token"], 1)["token_use"], "refresh");
  // Anonymous clients get none; a bad value is an error.
  EXPECT_FALSE(
      body_of(a.token("GET", Params{{"offline_token", "true"}}, "")).contains("refresh_token"));
  EXPECT_EQ(a.token("GET", Params{{"offline_token", "maybe"}}, "").status, 400);
}

TEST_F(AuthTest, TokenPostPasswordThenRefreshGrant) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("POST",
                   Params{{"grant_type", "password"},
                          {"username", "bob"},
                          {"password", "bobpw"},
                          {"service", "charthouse"},
                          {"client_id", "oras-go"},
                          {"scope", "repository:team/app:pull,push repository:shared/x:pull"}},
                   "");
  ASSERT_EQ(r.status, 200) << r.body;
  json b = body_of(r);
  EXPECT_FALSE(b.contains("token"));
  EXPECT_EQ(b["scope"], "repository:team/app:pull repository:shared/x:pull");
  EXPECT_EQ(b["expires_in"], 300);
  ASSERT_TRUE(b.contains("refresh_token"));
  std::string refresh = b["refresh_token"];
  json rc = jwt_part(refresh, 1);
  EXPECT_EQ(rc["sub"], "bob");
  EXPECT_EQ(rc["exp"].get<std::int64_t>() - rc["iat"].get<std::int64_t>(), 24 * 3600);

  auto r2 = a.token("POST",
                    Params{{"grant_type", "refresh_token"},
                           {"refresh_token", refresh},
                           {"service", "charthouse"},
                           {"client_id", "oras-go"},
                           {"scope", "repository:public/z:pull"}},
                    "");
  ASSERT_EQ(r2.status, 200) << r2.body;
  json b2 = body_of(r2);
  EXPECT_EQ(b2["scope"], "repository:public/z:pull");
  EXPECT_EQ(b2["refresh_token"], refresh);
  EXPECT_EQ(jwt_part(b2["access_token"], 1)["sub"], "bob");

  // The refresh token is no access token, and an access token is no refresh token.
  EXPECT_EQ(a.authorize("Bearer " + refresh, {}, "h", false).status, 401);
  auto r3 = a.token(
      "POST", Params{{"grant_type", "refresh_token"}, {"refresh_token", b2["access_token"]}}, "");
  EXPECT_EQ(r3.status, 401);

  // Wrong password on the password grant.
  auto r4 = a.token("POST",
                    Params{{"grant_type", "password"}, {"username", "bob"}, {"password", "x"}}, "");
  EXPECT_EQ(r4.status, 401);
  EXPECT_EQ(body_of(r4)["error"], "invalid_grant");

  // The refresh grant checks that the user still exists.
  testing::write(htpasswd_, "alice:" + bcrypt("alicepw") + "\n");
  a.reload();
  auto r5 =
      a.token("POST", Params{{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, "");
  EXPECT_EQ(r5.status, 401);
  EXPECT_NE(body_of(r5)["errors"][0]["message"].get<std::string>().find("no longer exists"),
            std::string::npos);
}

TEST_F(AuthTest, TokenBadRequests) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("POST", Params{{"grant_type", "authorization_code"}, {"code", "x"}}, "");
  EXPECT_EQ(r.status, 400);
  json b = body_of(r);
  EXPECT_EQ(b["error"], "unsupported_grant_type");
  EXPECT_EQ(b["errors"][0]["code"], "UNSUPPORTED_VALUE");
  EXPECT_EQ(a.token("POST", Params{}, "").status, 400);
  EXPECT_EQ(a.token("POST", Params{{"grant_type", "refresh_token"}}, "").status, 400);
  EXPECT_EQ(a.token("GET", Params{{"scope", "repository:bad name:pull"}}, "").status, 400);
  EXPECT_EQ(a.token("GET", Params{{"service", "other"}}, "").status, 400);
  EXPECT_EQ(a.token("DELETE", Params{}, "").status, 405);
  Authenticator h(config(Mode::kHtpasswd));
  EXPECT_EQ(h.token("GET", Params{}, "").status, 404);
}

// ---------------------------------------------------------------- authorize: token mode

TEST_F(AuthTest, TokenModeChallengeHeaderExactText) {
  Authenticator a(config(Mode::kToken));
  auto d = a.authorize("", {scope("repository:team/app:pull,push")}, "reg.example:5000", false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.error_code, "UNAUTHORIZED");
  EXPECT_EQ(d.www_authenticate,
            "Bearer realm=\"http://reg.example:5000/token\",service=\"charthouse\","
            "scope=\"repository:team/app:pull,push\"");
  d = a.authorize(basic("alice", "alicepw"),
                  {scope("repository:a:pull"), scope("repository:b:pull")}, "reg.example", true);
  EXPECT_EQ(d.www_authenticate,
            "Bearer realm=\"https://reg.example/token\",service=\"charthouse\","
            "scope=\"repository:a:pull repository:b:pull\"");
  // Ping: no scope parameter.
  EXPECT_EQ(a.authorize("", {}, "reg.example", true).www_authenticate,
            "Bearer realm=\"https://reg.example/token\",service=\"charthouse\"");

  Config c = config(Mode::kToken);
  c.realm = "https://auth.example.com/token";
  c.service = "registry.example.com";
  Authenticator b(c);
  EXPECT_EQ(b.authorize("", {scope("registry:catalog:*")}, "ignored", false).www_authenticate,
            "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
            "scope=\"registry:catalog:*\"");
}

TEST_F(AuthTest, TokenModeAllowsCoveredScopesOnly) {
  Authenticator a(config(Mode::kToken));
  auto get = [&](const std::string& creds, const std::string& s) {
    auto r = a.token("GET", Params{{"service", "charthouse"}, {"scope", s}}, creds);
    EXPECT_EQ(r.status, 200);
    return "Bearer " + body_of(r)["token"].get<std::string>();
  };
  auto alice = get(basic("alice", "alicepw"), "repository:team/app:pull,push");
  auto d = a.authorize(alice, {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.user, "alice");
  EXPECT_TRUE(a.authorize(alice, {}, "h", false).allowed);  // ping
  EXPECT_FALSE(a.authorize(alice, {scope("repository:team/other:pull")}, "h", false).allowed);

  // bob asked for push, got pull only: pushing is refused with insufficient_scope.
  auto bob = get(basic("bob", "bobpw"), "repository:team/app:pull,push");
  EXPECT_TRUE(a.authorize(bob, {scope("repository:team/app:pull")}, "h", false).allowed);
  d = a.authorize(bob, {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.user, "bob");
  EXPECT_EQ(d.www_authenticate,
            "Bearer realm=\"http://h/token\",service=\"charthouse\","
            "scope=\"repository:team/app:pull,push\",error=\"insufficient_scope\"");

  // "*" in a token covers every action.
  auto star = get(basic("alice", "alicepw"), "repository:team/app:*");
  EXPECT_TRUE(
      a.authorize(star, {scope("repository:team/app:pull,push,delete")}, "h", false).allowed);

  // Anonymous token for a public repository.
  auto anon = get("", "repository:public/nginx:pull");
  d = a.authorize(anon, {scope("repository:public/nginx:pull")}, "h", false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.user, "");
}

TEST_F(AuthTest, TokenModeRejectsBadTokens) {
  Authenticator a(config(Mode::kToken));
  auto key = SigningKey::load_or_create(key_);  // the same key file
  auto needed = std::vector<Scope>{scope("repository:team/app:pull")};
  auto t = now();
  auto bearer = [&](Claims c) { return "Bearer " + key.sign(c); };
  auto invalid =
      "Bearer realm=\"http://h/token\",service=\"charthouse\","
      "scope=\"repository:team/app:pull\",error=\"invalid_token\"";

  Claims good = sample_claims(t);
  good.access = {scope("repository:team/app:pull")};
  EXPECT_TRUE(a.authorize(bearer(good), needed, "h", false).allowed);

  Claims expired = good;
  expired.issued_at = expired.not_before = t - 7200;
  expired.expires_at = t - 3600;
  auto d = a.authorize(bearer(expired), needed, "h", false);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.www_authenticate, invalid);
  EXPECT_NE(d.message.find("expired"), std::string::npos);

  Claims aud = good;
  aud.audience = "another-registry";
  EXPECT_EQ(a.authorize(bearer(aud), needed, "h", false).www_authenticate, invalid);

  Claims iss = good;
  iss.issuer = "evil";
  EXPECT_FALSE(a.authorize(bearer(iss), needed, "h", false).allowed);

  auto other = SigningKey::generate();
  EXPECT_EQ(a.authorize("Bearer " + other.sign(good), needed, "h", false).www_authenticate,
            invalid);
  EXPECT_EQ(a.authorize("Bearer not.a.jwt", needed, "h", false).status, 401);
  EXPECT_EQ(a.authorize("Bearer ", needed, "h", false).status, 401);
  // Basic credentials are not accepted by the API in token mode.
  EXPECT_EQ(a.authorize(basic("alice", "alicepw"), needed, "h", false).status, 401);
}

TEST_F(AuthTest, TokenKeyFileSurvivesRestart) {
  std::string token;
  {
    Authenticator first(config(Mode::kToken));
    struct stat st {};
    ASSERT_EQ(::stat(key_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto r = first.token("GET", Params{{"scope", "repository:team/app:pull"}},
                         basic("alice", "alicepw"));
    token = body_of(r)["token"];
  }
  std::string pem = testing::read(key_);
  Authenticator second(config(Mode::kToken));
  EXPECT_EQ(testing::read(key_), pem);
  EXPECT_TRUE(
      second.authorize("Bearer " + token, {scope("repository:team/app:pull")}, "h", false).allowed);
  // A different key (file removed, so a new one is generated) no longer accepts it.
  std::filesystem::remove(key_);
  Authenticator third(config(Mode::kToken));
  EXPECT_NE(testing::read(key_), pem);
  EXPECT_FALSE(
      third.authorize("Bearer " + token, {scope("repository:team/app:pull")}, "h", false).allowed);
}

}  // namespace
}  // namespace ch::server::auth
