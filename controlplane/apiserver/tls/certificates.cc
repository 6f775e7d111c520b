#include "tls/certificates.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace skiff::apiserver {
namespace {

namespace fs = std::filesystem;

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Pkey new_ec_key() { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }
Pkey new_rsa_key() { return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))); }

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

std::string cert_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

Pkey load_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Pkey key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

Cert load_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

struct CertSpec {
  std::string common_name;
  std::vector<std::string> organizations;
  bool is_ca = false;
  bool server = false;
  bool client = false;
  std::vector<std::string> dns_names;
  std::vector<std::string> ips;
  long days = 3650;
};

// Signs `key`'s certificate with issuer (nullptr: self-signed).
Result<Cert> make_certificate(const CertSpec& spec, EVP_PKEY* key, X509* issuer_cert, EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] &= 0x7f;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * spec.days);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& org : spec.organizations)
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* issuer = issuer_cert ? issuer_cert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));

  if (spec.is_ca) {
    add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign");
  } else {
    add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    std::string usage = spec.server && spec.client ? "serverAuth,clientAuth" : spec.server ? "serverAuth" : "clientAuth";
    add_extension(cert.get(), issuer, NID_ext_key_usage, usage);
  }
  add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuer_cert) add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  std::string sans;
  for (const auto& dns : spec.dns_names) sans += (sans.empty() ? "" : ",") + std::string("DNS:") + dns;
  for (const auto& ip : spec.ips) sans += (sans.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!sans.empty()) add_extension(cert.get(), issuer, NID_subject_alt_name, sans);

  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0)
    return fail("sign certificate for " + spec.common_name);
  return cert;
}

Result<void> write_file(const std::string& path, const std::string& content, mode_t mode) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail_errno("write " + tmp);
    ::chmod(tmp.c_str(), mode);
    out << content;
    if (!out.flush()) return fail_errno("write " + tmp);
  }
  ::chmod(tmp.c_str(), mode);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail_errno("rename " + tmp);
  return {};
}

std::vector<std::string> local_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* it = list; it; it = it->ifa_next) {
    if (!it->ifa_addr || !(it->ifa_flags & IFF_UP)) continue;
    char buf[INET6_ADDRSTRLEN] = {};
    if (it->ifa_addr->sa_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr, buf, sizeof buf);
    else if (it->ifa_addr->sa_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(it->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    } else
      continue;
    std::string address(buf);
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  freeifaddrs(list);
  return out;
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail_errno("read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Result<ClusterPki> ensure_cluster_pki(const PkiOptions& options) {
  std::error_code ec;
  std::string dir = options.data_dir + "/pki";
  fs::create_directories(dir, ec);
  if (ec) return fail("create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  ClusterPki pki{dir + "/ca.crt",    dir + "/ca.key",    dir + "/server.crt", dir + "/server.key",
                 dir + "/admin.crt", dir + "/admin.key", dir + "/sa.key",     options.data_dir + "/admin.kubeconfig"};

  Pkey ca_key;
  Cert ca_cert;
  if (fs::exists(pki.ca_cert) && fs::exists(pki.ca_key)) {
    auto cert = read_file(pki.ca_cert);
    auto key = read_file(pki.ca_key);
    if (!cert || !key) return fail("read the cluster CA in " + dir);
    ca_cert = load_cert(*cert);
    ca_key = load_key(*key);
    if (!ca_cert || !ca_key) return fail("the cluster CA in " + dir + " is unreadable (not PEM?)");
  } else {
    ca_key = new_ec_key();
    auto cert = make_certificate({.common_name = "skiff-ca", .is_ca = true}, ca_key.get(), nullptr, nullptr);
    if (!cert) return std::unexpected(cert.error());
    ca_cert = std::move(*cert);
    if (auto w = write_file(pki.ca_key, key_pem(ca_key.get()), 0600); !w) return std::unexpected(w.error());
    if (auto w = write_file(pki.ca_cert, cert_pem(ca_cert.get()), 0644); !w) return std::unexpected(w.error());
  }

  if (!fs::exists(pki.serving_cert) || !fs::exists(pki.serving_key)) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    CertSpec spec{.common_name = "kube-apiserver", .server = true};
    spec.dns_names = {"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                      "kubernetes.default.svc.cluster.local"};
    if (host[0] && std::string(host) != "localhost") spec.dns_names.push_back(host);
    for (const auto& name : options.extra_dns_names) spec.dns_names.push_back(name);
    spec.ips = {"127.0.0.1", "::1", "10.96.0.1"};
    for (const auto& ip : local_addresses())
      if (std::find(spec.ips.begin(), spec.ips.end(), ip) == spec.ips.end()) spec.ips.push_back(ip);
    for (const auto& ip : options.extra_ips) spec.ips.push_back(ip);
    Pkey key = new_ec_key();
    auto cert = make_certificate(spec, key.get(), ca_cert.get(), ca_key.get());
    if (!cert) return std::unexpected(cert.error());
    if (auto w = write_file(pki.serving_key, key_pem(key.get()), 0600); !w) return std::unexpected(w.error());
    if (auto w = write_file(pki.serving_cert, cert_pem(cert->get()), 0644); !w) return std::unexpected(w.error());
  }

  if (!fs::exists(pki.admin_cert) || !fs::exists(pki.admin_key)) {
    Pkey key = new_ec_key();
    auto cert = make_certificate({.common_name = "admin", .organizations = {"system:masters"}, .client = true},
                                 key.get(), ca_cert.get(), ca_key.get());
    if (!cert) return std::unexpected(cert.error());
    if (auto w = write_file(pki.admin_key, key_pem(key.get()), 0600); !w) return std::unexpected(w.error());
    if (auto w = write_file(pki.admin_cert, cert_pem(cert->get()), 0644); !w) return std::unexpected(w.error());
  }

  if (!fs::exists(pki.service_account_key)) {
    Pkey key = new_rsa_key();
    if (auto w = write_file(pki.service_account_key, key_pem(key.get()), 0600); !w) return std::unexpected(w.error());
  }
  return pki;
}

Result<void> write_kubeconfig(const std::string& path, const std::string& server, const ClusterPki& pki) {
  auto ca = read_file(pki.ca_cert);
  auto cert = read_file(pki.admin_cert);
  auto key = read_file(pki.admin_key);
  if (!ca || !cert || !key) return fail("read the admin credentials for " + path);
  std::string text = "apiVersion: v1\nkind: Config\nclusters:\n- name: skiff\n  cluster:\n    server: " + server +
                     "\n    certificate-authority-data: " + base64_encode(*ca) +
                     "\nusers:\n- name: admin\n  user:\n    client-certificate-data: " + base64_encode(*cert) +
                     "\n    client-key-data: " + base64_encode(*key) +
                     "\ncontexts:\n- name: skiff\n  context:\n    cluster: skiff\n    user: admin\n"
                     "current-context: skiff\npreferences: {}\n";
  return write_file(path, text, 0600);
}

Result<IssuedCertificate> issue_client_certificate(const ClusterPki& pki, const std::string& common_name,
                                                   const std::vector<std::string>& organizations) {
  auto ca_pem = read_file(pki.ca_cert);
  auto ca_key_pem = read_file(pki.ca_key);
  if (!ca_pem || !ca_key_pem) return fail("read the cluster CA");
  Cert ca_cert = load_cert(*ca_pem);
  Pkey ca_key = load_key(*ca_key_pem);
  if (!ca_cert || !ca_key) return fail("the cluster CA is unreadable");
  Pkey key = new_ec_key();
  auto cert = make_certificate({.common_name = common_name, .organizations = organizations, .client = true, .days = 365},
                               key.get(), ca_cert.get(), ca_key.get());
  if (!cert) return std::unexpected(cert.error());
  return IssuedCertificate{cert_pem(cert->get()), key_pem(key.get())};
}

}  // namespace skiff::apiserver
