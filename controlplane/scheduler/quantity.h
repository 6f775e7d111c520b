// Kubernetes resource.Quantity parsing, exact: "100m", "1.5", "2Gi", "1e3",
// "500M". Values are kept as mantissa x 10^exp10 x 2^exp2 so that the
// rounding (always up, as Quantity.MilliValue/Value do) happens once.
#pragma once
#include <cstdint>
#include <string_view>

#include "skiff/util/result.h"

namespace skiff::scheduler {

struct Quantity {
  bool negative = false;
  unsigned __int128 mantissa = 0;
  int exp10 = 0;
  int exp2 = 0;
};

Result<Quantity> parse_quantity(std::string_view text);

// ceil(|q| x 10^scale), with q's sign; fails when it does not fit int64.
Result<int64_t> scaled_value(const Quantity& q, int scale);

// CPU in millicores (Quantity.MilliValue).
Result<int64_t> parse_milli_value(std::string_view text);
// Memory, storage, counts in units (Quantity.Value).
Result<int64_t> parse_value(std::string_view text);

}  // namespace skiff::scheduler
