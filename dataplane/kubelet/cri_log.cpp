#include "kubelet/cri_log.h"

#include <deque>
#include <fstream>
#include <thread>

namespace skiff::kubelet {

std::optional<CriLogLine> parse_cri_log_line(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  size_t a = line.find(' ');
  if (a == std::string_view::npos || a == 0) return std::nullopt;
  size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  CriLogLine out;
  out.timestamp = std::string(line.substr(0, a));
  out.stream = std::string(line.substr(a + 1, b - a - 1));
  if (out.stream != "stdout" && out.stream != "stderr") return std::nullopt;
  std::string_view rest = line.substr(b + 1);
  // The tag field: P or F, possibly more ':'-separated tags in the future.
  size_t c = rest.find(' ');
  std::string_view tag = c == std::string_view::npos ? rest : rest.substr(0, c);
  if (tag.empty() || (tag[0] != 'P' && tag[0] != 'F')) return std::nullopt;
  out.partial = tag[0] == 'P';
  out.content = c == std::string_view::npos ? std::string() : std::string(rest.substr(c + 1));
  return out;
}

std::string container_log_relative_path(const std::string& container, uint32_t attempt) {
  return container + "/" + std::to_string(attempt) + ".log";
}

std::filesystem::path pod_log_directory(const std::filesystem::path& root, const std::string& ns,
                                        const std::string& name, const std::string& uid) {
  return root / (ns + "_" + name + "_" + uid);
}

namespace {

// Joins partial lines into whole ones and formats them.
class LineAssembler {
 public:
  explicit LineAssembler(const LogOptions& o) : o_(o) {}
  // Returns a complete formatted line when `l` ends one.
  std::optional<std::string> add(const CriLogLine& l) {
    if (!o_.stream.empty() && l.stream != o_.stream) return std::nullopt;
    auto& pending = l.stream == "stderr" ? err_ : out_;
    if (pending.empty()) first_ts_[l.stream == "stderr"] = l.timestamp;
    pending += l.content;
    if (l.partial) return std::nullopt;
    std::string line = o_.timestamps ? first_ts_[l.stream == "stderr"] + " " + pending : pending;
    pending.clear();
    return line + "\n";
  }

 private:
  const LogOptions& o_;
  std::string out_, err_;
  std::string first_ts_[2];
};

}  // namespace

Result<> read_container_log(const std::filesystem::path& file, const LogOptions& options,
                            const std::function<void(std::string_view)>& out, const std::function<bool()>& stop) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot open log " + file.string(), errno);
  LineAssembler assembler(options);
  int64_t written = 0;
  auto emit = [&](const std::string& s) -> bool {
    if (options.limit_bytes) {
      int64_t left = *options.limit_bytes - written;
      if (left <= 0) return false;
      if (static_cast<int64_t>(s.size()) > left) {
        out(std::string_view(s).substr(0, static_cast<size_t>(left)));
        written += left;
        return false;
      }
    }
    out(s);
    written += static_cast<int64_t>(s.size());
    return true;
  };
  std::deque<std::string> tail;
  std::string raw;
  // Existing content first (tail applies to it only, as in the kubelet).
  while (std::getline(in, raw)) {
    if (in.eof()) {
      // A line without its newline is still being written; re-read it later.
      in.clear();
      in.seekg(-static_cast<std::streamoff>(raw.size()), std::ios::cur);
      break;
    }
    auto l = parse_cri_log_line(raw);
    if (!l) continue;
    auto line = assembler.add(*l);
    if (!line) continue;
    if (options.tail_lines) {
      if (*options.tail_lines <= 0) continue;
      tail.push_back(std::move(*line));
      if (static_cast<int64_t>(tail.size()) > *options.tail_lines) tail.pop_front();
    } else if (!emit(*line)) {
      return {};
    }
  }
  for (const auto& line : tail)
    if (!emit(line)) return {};
  if (!options.follow) return {};
  std::string carry;
  while (!(stop && stop())) {
    std::string chunk;
    char buf[8192];
    in.read(buf, sizeof buf);
    std::streamsize got = in.gcount();
    if (got <= 0) {
      in.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    carry.append(buf, static_cast<size_t>(got));
    size_t nl;
    while ((nl = carry.find('\n')) != std::string::npos) {
      auto l = parse_cri_log_line(std::string_view(carry).substr(0, nl));
      if (l)
        if (auto line = assembler.add(*l); line && !emit(*line)) return {};
      carry.erase(0, nl + 1);
    }
  }
  return {};
}

}  // namespace skiff::kubelet
