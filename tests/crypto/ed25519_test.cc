#include "crypto/ed25519.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/base64.h"
#include "crypto/sha256.h"
#include "tests/crypto/test_util.h"

namespace paraphe::crypto {
namespace {

using testing::Unhex;

struct Rfc8032Vector {
  const char* name;
  const char* secret;
  const char* public_key;
  std::string message_hex;
  const char* signature;
};

const char kMessage1023Hex[] =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
    "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
    "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
    "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
    "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
    "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
    "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
    "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
    "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
    "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
    "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
    "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
    "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
    "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
    "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
    "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
    "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
    "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
    "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
    "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
    "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
    "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
    "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
    "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
    "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
    "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
    "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
    "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
    "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
    "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
    "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
    "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0";

// RFC 8032 section 7.1.
std::vector<Rfc8032Vector> Rfc8032Vectors() {
  return {
      {"TEST 1",
       "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb882"
       "1590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"TEST 2",
       "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1"
       "e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"TEST 3",
       "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
       "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b"
       "538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
      {"TEST 1024",
       "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
       "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
       kMessage1023Hex,
       "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371"
       "b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
      {"TEST SHA(abc)",
       "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
       "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
       "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351f"
       "c9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
  };
}

TEST(Ed25519Test, Rfc8032Section71Vectors) {
  for (const Rfc8032Vector& v : Rfc8032Vectors()) {
    SCOPED_TRACE(v.name);
    std::string message = Unhex(v.message_hex);
    Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(v.secret));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(HexEncode(key->public_key().raw()), v.public_key);
    EXPECT_EQ(key->Seed(), Unhex(v.secret));
    std::string sig = key->Sign(message);
    EXPECT_EQ(HexEncode(sig), v.signature);

    Result<PublicKey> pub = PublicKey::FromRaw(Unhex(v.public_key));
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->Verify(message, Unhex(v.signature)));
    // Any flipped bit in the signature or message fails.
    std::string bad_sig = Unhex(v.signature);
    bad_sig[5] ^= 0x01;
    EXPECT_FALSE(pub->Verify(message, bad_sig));
    EXPECT_FALSE(pub->Verify(message + "x", Unhex(v.signature)));
  }
  EXPECT_EQ(Unhex(kMessage1023Hex).size(), 1023u);
}

TEST(Ed25519Test, VerifyRejectsWrongSizes) {
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::string sig = key->Sign("m");
  EXPECT_TRUE(key->public_key().Verify("m", sig));
  EXPECT_FALSE(key->public_key().Verify("m", sig.substr(0, 63)));
  EXPECT_FALSE(key->public_key().Verify("m", sig + "x"));
  EXPECT_FALSE(key->public_key().Verify("m", ""));
}

TEST(Ed25519Test, FromRawAndFromSeedCheckSizes) {
  EXPECT_EQ(PublicKey::FromRaw(std::string(31, 'a')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromRaw(std::string(33, 'a')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PrivateKey::FromSeed(std::string(31, 'a')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, GenerateGivesDistinctWorkingKeys) {
  Result<PrivateKey> a = PrivateKey::Generate();
  Result<PrivateKey> b = PrivateKey::Generate();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(a->public_key() == b->public_key());
  std::string sig = a->Sign("hello");
  EXPECT_TRUE(a->public_key().Verify("hello", sig));
  EXPECT_FALSE(b->public_key().Verify("hello", sig));
}

// RFC 8037 appendix A.3: the JWK thumbprint of the appendix A.1 key.
TEST(Ed25519Test, Rfc8037Thumbprint) {
  Result<std::string> x =
      Base64UrlDecode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  ASSERT_TRUE(x.ok());
  Result<PublicKey> pub = PublicKey::FromRaw(*x);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->Thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  Result<std::string> d =
      Base64UrlDecode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  ASSERT_TRUE(d.ok());
  Result<PrivateKey> key = PrivateKey::FromSeed(*d);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key(), *pub);
}

TEST(Ed25519Test, PemRoundTrip) {
  Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.ok());
  std::string pem = key->ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem;
  // RFC 8410 section 10.3 shape: the PKCS#8 DER is the fixed 16-byte prefix
  // followed by the seed.
  Result<PrivateKey> back = PrivateKey::FromPem(pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Seed(), key->Seed());
  EXPECT_EQ(back->public_key(), key->public_key());

  std::string pub_pem = key->public_key().ToPem();
  EXPECT_EQ(pub_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << pub_pem;
  Result<PublicKey> pub = PublicKey::FromPem(pub_pem);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(*pub, key->public_key());
  // A private key PEM yields its public half.
  Result<PublicKey> pub2 = PublicKey::FromPem(pem);
  ASSERT_TRUE(pub2.ok());
  EXPECT_EQ(*pub2, key->public_key());
}

// RFC 8410 section 10.3 example private key.
TEST(Ed25519Test, Rfc8410PrivateKeyPem) {
  const char kPem[] =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
      "-----END PRIVATE KEY-----\n";
  Result<PrivateKey> key = PrivateKey::FromPem(kPem);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(HexEncode(key->Seed()),
            "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842");
  EXPECT_EQ(key->ToPem(), kPem);
}

TEST(Ed25519Test, PemRejections) {
  EXPECT_EQ(PrivateKey::FromPem("not a pem").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromPem("").status().code(),
            StatusCode::kInvalidArgument);
  // An X25519 key is not an Ed25519 key.
  const char kX25519Pem[] =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VuBCIEIHcHbQpzGKV9PBbBclGyZkXfTC+H68CZKrF3+6UduSwq\n"
      "-----END PRIVATE KEY-----\n";
  Result<PrivateKey> x = PrivateKey::FromPem(kX25519Pem);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(x.status().message(), "PEM key is not an Ed25519 key");
  // Failures leave no stale errors on OpenSSL's per-thread queue.
  EXPECT_EQ(ERR_peek_error(), 0u);
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/paraphe_ed25519_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

mode_t ModeOf(const std::filesystem::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST_F(KeyFileTest, SaveWrites0600AndLoadReadsBack) {
  // Even with a permissive umask the file is 0600.
  mode_t old_umask = ::umask(0);
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::filesystem::path path = dir_ / "key.pem";
  Status st = key->Save(path);
  ::umask(old_umask);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ModeOf(path), 0600u);
  Result<PrivateKey> loaded = PrivateKey::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Seed(), key->Seed());
}

TEST_F(KeyFileTest, SaveRefusesExistingUnlessOverwrite) {
  Result<PrivateKey> a = PrivateKey::Generate();
  Result<PrivateKey> b = PrivateKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  std::filesystem::path path = dir_ / "key.pem";
  ASSERT_TRUE(a->Save(path).ok());
  Status again = b->Save(path);
  EXPECT_EQ(again.code(), StatusCode::kConflict) << again.ToString();
  EXPECT_EQ(PrivateKey::Load(path)->Seed(), a->Seed());
  Status over = b->Save(path, /*overwrite=*/true);
  ASSERT_TRUE(over.ok()) << over.ToString();
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(PrivateKey::Load(path)->Seed(), b->Seed());
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(KeyFileTest, LoadMissingIsNotFound) {
  Result<PrivateKey> r = PrivateKey::Load(dir_ / "absent.pem");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
}

TEST_F(KeyFileTest, LoadRefusesGroupOrWorldReadable) {
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::filesystem::path path = dir_ / "key.pem";
  ASSERT_TRUE(key->Save(path).ok());
  for (mode_t mode : {0640, 0604, 0660, 0644, 0610}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    Result<PrivateKey> r = PrivateKey::Load(path);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied)
        << r.status().ToString();
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(PrivateKey::Load(path).ok());
}

TEST_F(KeyFileTest, LoadGarbageIsInvalidArgument) {
  std::filesystem::path path = dir_ / "garbage.pem";
  {
    std::ofstream out(path);
    out << "hello\n";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  Result<PrivateKey> r = PrivateKey::Load(path);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument)
      << r.status().ToString();
}

TEST(Ed25519Test, ConcurrentSigning) {
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const PrivateKey& k = *key;
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&k, &ok, t] {
      for (int i = 0; i < 50; ++i) {
        std::string m = std::to_string(t * 1000 + i);
        ok[t] += k.public_key().Verify(m, k.Sign(m)) ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(ok[t], 50);
}

}  // namespace
}  // namespace paraphe::crypto
