// Manifest files as kubectl reads them: YAML with several documents, or
// JSON; List kinds flattened into their items. A bad document is reported
// and skipped; the others still load.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "skiff/kube/parse.h"
#include "yaml_to_json.h"

namespace skiff::kube {

namespace {

using nlohmann::json;

constexpr int kMaxListNesting = 8;
constexpr std::streamsize kMaxManifestBytes = 64 << 20;

struct YamlChunk {
  std::string_view text;
  size_t first_line;  // 1-based
};

// A line "---" (alone or followed by blanks or content) starts a document.
// Indented text never does, so block scalars holding "---" are safe.
bool is_document_start(std::string_view line) {
  if (!line.starts_with("---")) return false;
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r';
}

// Splitting first (rather than YAML::LoadAll) confines a syntax error to its
// own document.
std::vector<YamlChunk> split_documents(std::string_view text) {
  std::vector<YamlChunk> chunks;
  size_t start = 0, line_no = 1, chunk_line = 1;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (is_document_start(line) && pos != start) {
      chunks.push_back({text.substr(start, pos - start), chunk_line});
      start = pos;
      chunk_line = line_no;
    }
    pos = eol + 1;
    ++line_no;
  }
  if (start < text.size()) chunks.push_back({text.substr(start), chunk_line});
  return chunks;
}

class DocumentCollector {
 public:

  void add(json doc, const std::string& where, int depth = 0) {
    if (doc.is_null()) return;  // empty document
    if (!doc.is_object()) {
      fail(where, "", "must be an object");
      return;
    }
    auto kind = doc.find("kind");
    if (kind == doc.end() || !kind->is_string() || kind->get_ref<const std::string&>().empty()) {
      fail(where, "kind", "required");
      return;
    }
    const auto& kind_name = kind->get_ref<const std::string&>();
    if (kind_name.ends_with("List")) {
      add_list_items(doc, where, depth);
      return;
    }
    out_.objects.push_back(std::move(doc));
  }

  void fail(const std::string& where, std::string field, std::string reason) {
    out_.errors.push_back(ParseError{where, std::move(field), std::move(reason)});
  }

  ManifestDocuments take() { return std::move(out_); }

 private:
  void add_list_items(json& list, const std::string& where, int depth) {
    if (depth >= kMaxListNesting) {
      fail(where, "items", "lists nested too deeply");
      return;
    }
    auto items = list.find("items");
    if (items == list.end() || items->is_null()) return;
    if (!items->is_array()) {
      fail(where, "items", "must be an array");
      return;
    }
    for (size_t i = 0; i < items->size(); ++i) {
      add(std::move((*items)[i]), where + " item " + std::to_string(i + 1), depth + 1);
    }
  }

  ManifestDocuments out_;
};

// Nothing but separators, comments and blank lines: not counted as a
// document, so numbering matches what a reader sees.
bool is_blank_document(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (is_document_start(line)) line.remove_prefix(3);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') return false;
    pos = eol + 1;
  }
  return true;
}

std::string document_name(const std::string& source, size_t index) {
  return source + " document " + std::to_string(index);
}

bool looks_like_json(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

}  // namespace

ManifestDocuments read_manifest_text(std::string_view text, const std::string& source_name) {
  DocumentCollector collector;
  if (looks_like_json(text)) {
    json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) {
      collector.add(std::move(doc), document_name(source_name, 1));
      return collector.take();
    }
    // Not valid JSON; YAML flow style may still read it. If not, the JSON
    // diagnosis is the more useful one.
    auto yaml = detail::yaml_document_to_json(text, 1);
    if (yaml) {
      collector.add(std::move(*yaml), document_name(source_name, 1));
      return collector.take();
    }
    std::string reason = "invalid JSON";
    try {
      [[maybe_unused]] json ignored = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
      reason += std::string(": ") + e.what();
    }
    collector.fail(document_name(source_name, 1), "", reason);
    return collector.take();
  }
  size_t index = 0;
  for (const auto& chunk : split_documents(text)) {
    if (is_blank_document(chunk.text)) continue;
    ++index;
    auto doc = detail::yaml_document_to_json(chunk.text, chunk.first_line);
    if (!doc) {
      collector.fail(document_name(source_name, index), "", doc.error());
      continue;
    }
    collector.add(std::move(*doc), document_name(source_name, index));
  }
  return collector.take();
}

ManifestDocuments read_manifest_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ManifestDocuments out;
    out.errors.push_back(ParseError{path, "", std::string("cannot open: ") + std::strerror(errno)});
    return out;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    ManifestDocuments out;
    out.errors.push_back(ParseError{path, "", "read error"});
    return out;
  }
  std::string text = std::move(buffer).str();
  if (static_cast<std::streamsize>(text.size()) > kMaxManifestBytes) {
    ManifestDocuments out;
    out.errors.push_back(ParseError{path, "", "larger than 64 MiB"});
    return out;
  }
  return read_manifest_text(text, path);
}

}  // namespace skiff::kube
