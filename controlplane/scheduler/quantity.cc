#include "scheduler/quantity.h"

#include <limits>
#include <string>

namespace skiff::scheduler {
namespace {

using u128 = unsigned __int128;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Suffix {
  int exp10 = 0;
  int exp2 = 0;
};

// The suffixes Kubernetes knows (decimalSI, binarySI, decimalExponent).
Result<Suffix> interpret_suffix(std::string_view s) {
  if (s.empty()) return Suffix{};
  static constexpr std::pair<std::string_view, int> decimal[] = {
      {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}};
  for (auto [name, e] : decimal)
    if (s == name) return Suffix{e, 0};
  static constexpr std::pair<std::string_view, int> binary[] = {
      {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (auto [name, e] : binary)
    if (s == name) return Suffix{0, e};
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    std::string_view rest = s.substr(1);
    bool neg = false;
    if (rest[0] == '+' || rest[0] == '-') {
      neg = rest[0] == '-';
      rest = rest.substr(1);
    }
    if (rest.empty() || rest.size() > 4) return fail("unable to parse quantity's suffix");
    int e = 0;
    for (char c : rest) {
      if (!is_digit(c)) return fail("unable to parse quantity's suffix");
      e = e * 10 + (c - '0');
    }
    return Suffix{neg ? -e : e, 0};
  }
  return fail("unable to parse quantity's suffix");
}

}  // namespace

// Follows apimachinery's parseQuantityString: sign, digits, optional
// fraction, then a suffix made of "eEinumkKMGTP" plus an optional signed
// exponent.
Result<Quantity> parse_quantity(std::string_view str) {
  auto wrong = [&] { return fail("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"); };
  if (str.empty()) return wrong();
  Quantity q;
  size_t pos = 0, end = str.size();
  if (str[0] == '-') {
    q.negative = true;
    pos++;
  } else if (str[0] == '+') {
    pos++;
  }
  size_t num_start = pos;
  while (pos < end && is_digit(str[pos])) pos++;
  std::string_view num = str.substr(num_start, pos - num_start);
  std::string_view denom;
  if (pos < end && str[pos] == '.') {
    pos++;
    size_t d = pos;
    while (pos < end && is_digit(str[pos])) pos++;
    denom = str.substr(d, pos - d);
  }
  if (pos == num_start) return wrong();  // no number part at all ("+", "Gi")
  size_t suffix_start = pos;
  while (pos < end && std::string_view("eEinumkKMGTP").find(str[pos]) != std::string_view::npos) pos++;
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) pos++;
  while (pos < end && is_digit(str[pos])) pos++;
  if (pos != end) return wrong();
  auto suffix = interpret_suffix(str.substr(suffix_start));
  if (!suffix) return std::unexpected(suffix.error());

  // Mantissa from the significant digits; trailing zeros move to the exponent.
  std::string digits;
  digits.reserve(num.size() + denom.size());
  digits.append(num);
  digits.append(denom);
  int exp10 = -static_cast<int>(denom.size()) + suffix->exp10;
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Quantity{};  // zero
  digits.erase(0, first);
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    exp10++;
  }
  if (digits.size() > 38) return fail("quantity has too many significant digits");
  u128 m = 0;
  for (char c : digits) m = m * 10 + static_cast<unsigned>(c - '0');
  q.mantissa = m;
  q.exp10 = exp10;
  q.exp2 = suffix->exp2;
  return q;
}

Result<int64_t> scaled_value(const Quantity& q, int scale) {
  auto too_large = [] { return fail("quantity is too large"); };
  const u128 limit = static_cast<u128>(std::numeric_limits<int64_t>::max());
  auto with_sign = [&](u128 r) -> Result<int64_t> {
    if (r > limit) return too_large();
    return q.negative ? -static_cast<int64_t>(r) : static_cast<int64_t>(r);
  };
  u128 v = q.mantissa;
  if (v == 0) return 0;
  int e10 = q.exp10 + scale;
  for (int i = 0; i < q.exp2; i++) {
    if (v > (static_cast<u128>(1) << 126)) return too_large();
    v <<= 1;
  }
  if (e10 >= 0) {
    for (; e10 > 0; e10--) {
      if (v > limit) return too_large();
      v *= 10;
    }
    return with_sign(v);
  }
  // ceil(v / 10^k): an amount below the unit rounds up to 1, as Kubernetes does.
  u128 d = 1;
  for (int i = 0; i < -e10; i++) {
    if (d > v) return with_sign(1);
    d *= 10;
  }
  return with_sign(v / d + (v % d != 0));
}

Result<int64_t> parse_milli_value(std::string_view text) {
  auto q = parse_quantity(text);
  if (!q) return std::unexpected(q.error());
  return scaled_value(*q, 3);
}

Result<int64_t> parse_value(std::string_view text) {
  auto q = parse_quantity(text);
  if (!q) return std::unexpected(q.error());
  return scaled_value(*q, 0);
}

}  // namespace skiff::scheduler
