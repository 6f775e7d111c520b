// Label and field selectors, following apimachinery's labels/selector.go
// (grammar, messages) and the field label conversions of each kind.
#include "skiff/apimachinery/selectors.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "skiff/apimachinery/validation.h"
#include "json_access.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

enum class Tok { End, Ident, Comma, Not, Eq, DoubleEq, NotEq, In, NotIn, Open, Close, Gt, Lt, Error };

struct Token {
  Tok type;
  std::string text;
};

bool special(char c) { return c == '!' || c == '=' || c == '(' || c == ')' || c == ',' || c == '<' || c == '>'; }

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}
  Token next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ >= s_.size()) return {Tok::End, ""};
    char c = s_[pos_];
    if (special(c)) {
      if (c == '!' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') { pos_ += 2; return {Tok::NotEq, "!="}; }
      if (c == '=' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') { pos_ += 2; return {Tok::DoubleEq, "=="}; }
      ++pos_;
      switch (c) {
        case '!': return {Tok::Not, "!"};
        case '=': return {Tok::Eq, "="};
        case '(': return {Tok::Open, "("};
        case ')': return {Tok::Close, ")"};
        case ',': return {Tok::Comma, ","};
        case '>': return {Tok::Gt, ">"};
        default: return {Tok::Lt, "<"};
      }
    }
    size_t start = pos_;
    while (pos_ < s_.size() && !special(s_[pos_]) && !std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    std::string word(s_.substr(start, pos_ - start));
    if (word == "in") return {Tok::In, word};
    if (word == "notin") return {Tok::NotIn, word};
    return {Tok::Ident, word};
  }
  Token peek() {
    size_t saved = pos_;
    Token t = next();
    pos_ = saved;
    return t;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::unexpected<ApiError> parse_error(const std::string& msg) { return bad_request("unable to parse requirement: " + msg); }

std::optional<std::string> check_key(const std::string& key) {
  auto errs = qualified_name_errors(key);
  if (errs.empty()) return std::nullopt;
  return "invalid label key \"" + key + "\": " + errs[0];
}

std::optional<std::string> check_value(const std::string& key, const std::string& value) {
  auto errs = label_value_errors(value);
  if (errs.empty()) return std::nullopt;
  return "invalid label value: \"" + value + "\": at key: \"" + key + "\": " + errs[0];
}

bool label_of(const json& labels, const std::string& key, std::string& out) {
  if (!labels.is_object()) return false;
  auto it = labels.find(key);
  if (it == labels.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

std::string nested_string(const json& obj, const std::vector<const char*>& path) {
  const json* cur = &obj;
  for (const char* k : path) {
    if (!cur->is_object()) return "";
    auto it = cur->find(k);
    if (it == cur->end()) return "";
    cur = &*it;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  if (cur->is_number()) return cur->dump();
  return "";
}

struct FieldPath {
  const char* name;
  std::vector<const char*> path;  // owned: an initializer_list member would dangle
};

const std::vector<FieldPath>& kind_fields(const GroupVersionKind& gvk) {
  static const std::vector<FieldPath> none;
  static const std::vector<FieldPath> pod{
      {"spec.nodeName", {"spec", "nodeName"}},
      {"spec.restartPolicy", {"spec", "restartPolicy"}},
      {"spec.schedulerName", {"spec", "schedulerName"}},
      {"spec.serviceAccountName", {"spec", "serviceAccountName"}},
      {"spec.hostNetwork", {"spec", "hostNetwork"}},
      {"status.phase", {"status", "phase"}},
      {"status.podIP", {"status", "podIP"}},
      {"status.nominatedNodeName", {"status", "nominatedNodeName"}}};
  static const std::vector<FieldPath> event{
      {"involvedObject.kind", {"involvedObject", "kind"}},
      {"involvedObject.namespace", {"involvedObject", "namespace"}},
      {"involvedObject.name", {"involvedObject", "name"}},
      {"involvedObject.uid", {"involvedObject", "uid"}},
      {"involvedObject.apiVersion", {"involvedObject", "apiVersion"}},
      {"involvedObject.resourceVersion", {"involvedObject", "resourceVersion"}},
      {"involvedObject.fieldPath", {"involvedObject", "fieldPath"}},
      {"reason", {"reason"}},
      {"reportingComponent", {"reportingComponent"}},
      {"source", {"source", "component"}},
      {"type", {"type"}}};
  static const std::vector<FieldPath> new_event{
      {"regarding.kind", {"regarding", "kind"}},
      {"regarding.namespace", {"regarding", "namespace"}},
      {"regarding.name", {"regarding", "name"}},
      {"regarding.uid", {"regarding", "uid"}},
      {"regarding.apiVersion", {"regarding", "apiVersion"}},
      {"regarding.resourceVersion", {"regarding", "resourceVersion"}},
      {"regarding.fieldPath", {"regarding", "fieldPath"}},
      {"reason", {"reason"}},
      {"reportingController", {"reportingController"}},
      {"type", {"type"}}};
  static const std::vector<FieldPath> secret{{"type", {"type"}}};
  static const std::vector<FieldPath> node{{"spec.unschedulable", {"spec", "unschedulable"}}};
  static const std::vector<FieldPath> ns{{"status.phase", {"status", "phase"}}};
  static const std::vector<FieldPath> replicas{{"status.replicas", {"status", "replicas"}}};
  static const std::vector<FieldPath> job{{"status.successful", {"status", "successful"}}};
  static const std::vector<FieldPath> service{{"spec.clusterIP", {"spec", "clusterIP"}}, {"spec.type", {"spec", "type"}}};
  const std::string& k = gvk.kind;
  if (gvk.group.empty()) {
    if (k == "Pod") return pod;
    if (k == "Event") return event;
    if (k == "Secret") return secret;
    if (k == "Node") return node;
    if (k == "Namespace") return ns;
    if (k == "ReplicationController") return replicas;
    if (k == "Service") return service;
  }
  if (gvk.group == "events.k8s.io" && k == "Event") return new_event;
  if (gvk.group == "apps" && k == "ReplicaSet") return replicas;
  if (gvk.group == "batch" && k == "Job") return job;
  return none;
}

}  // namespace

LabelSelector LabelSelector::nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

ApiResult<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector sel;
  Lexer lex(text);
  if (lex.peek().type == Tok::End) return sel;
  while (true) {
    Requirement r;
    Token t = lex.next();
    bool negated = false;
    if (t.type == Tok::Not) {
      negated = true;
      t = lex.next();
    }
    if (t.type != Tok::Ident) return parse_error("found '" + t.text + "', expected: identifier");
    r.key = t.text;
    if (auto e = check_key(r.key)) return parse_error(*e);
    Token op = lex.peek();
    if (negated) {
      r.op = Op::DoesNotExist;
    } else if (op.type == Tok::Comma || op.type == Tok::End) {
      r.op = Op::Exists;
    } else {
      lex.next();
      switch (op.type) {
        case Tok::Eq: case Tok::DoubleEq: r.op = Op::Equals; break;
        case Tok::NotEq: r.op = Op::NotEquals; break;
        case Tok::In: r.op = Op::In; break;
        case Tok::NotIn: r.op = Op::NotIn; break;
        default:
          return parse_error("found '" + op.text + "', expected: in, notin, =, ==, !=, gt, lt");
      }
      if (r.op == Op::In || r.op == Op::NotIn) {
        Token open = lex.next();
        if (open.type != Tok::Open) return parse_error("found '" + open.text + "', expected: '('");
        while (true) {
          Token v = lex.next();
          if (v.type == Tok::Close && r.values.empty()) break;
          if (v.type == Tok::Ident) {
            r.values.push_back(v.text);
            v = lex.next();
          } else if (v.type == Tok::Comma || v.type == Tok::Close) {
            r.values.push_back("");
          } else {
            return parse_error("found '" + v.text + "', expected: ',', ')' or identifier");
          }
          if (v.type == Tok::Close) break;
          if (v.type != Tok::Comma) return parse_error("found '" + v.text + "', expected: ',' or ')'");
        }
        if (r.values.empty()) return parse_error("for 'in', 'notin' operators, values set can't be empty");
      } else {
        Token v = lex.peek();
        if (v.type == Tok::Ident) {
          lex.next();
          r.values.push_back(v.text);
        } else if (v.type == Tok::Comma || v.type == Tok::End) {
          r.values.push_back("");
        } else {
          return parse_error("found '" + v.text + "', expected: identifier");
        }
      }
      for (const auto& v : r.values)
        if (auto e = check_value(r.key, v)) return parse_error(*e);
      std::sort(r.values.begin(), r.values.end());
      r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
    }
    sel.requirements_.push_back(std::move(r));
    Token sep = lex.next();
    if (sep.type == Tok::End) break;
    if (sep.type != Tok::Comma) return parse_error("found '" + sep.text + "', expected: ',' or 'end of string'");
  }
  std::stable_sort(sel.requirements_.begin(), sel.requirements_.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  return sel;
}

ApiResult<LabelSelector> LabelSelector::from_json(const json& j) {
  if (j.is_null()) return nothing();
  if (!j.is_object()) return bad_request("label selector must be an object");
  LabelSelector sel;
  if (auto ml = j.find("matchLabels"); ml != j.end() && ml->is_object()) {
    for (const auto& [k, v] : ml->items()) {
      if (auto e = check_key(k)) return bad_request(*e);
      std::string value = v.is_string() ? v.get<std::string>() : "";
      if (auto e = check_value(k, value)) return bad_request(*e);
      sel.requirements_.push_back({k, Op::Equals, {value}});
    }
  }
  if (auto me = j.find("matchExpressions"); me != j.end() && me->is_array()) {
    for (const auto& e : *me) {
      Requirement r;
      r.key = sval(e, "key", "");
      std::string op = sval(e, "operator", "");
      if (op == "In") r.op = Op::In;
      else if (op == "NotIn") r.op = Op::NotIn;
      else if (op == "Exists") r.op = Op::Exists;
      else if (op == "DoesNotExist") r.op = Op::DoesNotExist;
      else return bad_request("\"" + op + "\" is not a valid label selector operator");
      if (auto err = check_key(r.key)) return bad_request(*err);
      if (auto vals = e.find("values"); vals != e.end() && vals->is_array())
        for (const auto& v : *vals)
          if (v.is_string()) r.values.push_back(v.get<std::string>());
      if ((r.op == Op::In || r.op == Op::NotIn) && r.values.empty())
        return bad_request("for 'in', 'notin' operators, values set can't be empty");
      if ((r.op == Op::Exists || r.op == Op::DoesNotExist) && !r.values.empty())
        return bad_request("values set must be empty for exists and does not exist");
      std::sort(r.values.begin(), r.values.end());
      sel.requirements_.push_back(std::move(r));
    }
  }
  std::stable_sort(sel.requirements_.begin(), sel.requirements_.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
  return sel;
}

bool LabelSelector::matches(const json& labels) const {
  if (nothing_) return false;
  for (const auto& r : requirements_) {
    std::string value;
    bool has = label_of(labels, r.key, value);
    bool in = has && std::binary_search(r.values.begin(), r.values.end(), value);
    switch (r.op) {
      case Op::Equals: case Op::In: if (!in) return false; break;
      case Op::NotEquals: case Op::NotIn: if (in) return false; break;
      case Op::Exists: if (!has) return false; break;
      case Op::DoesNotExist: if (has) return false; break;
    }
  }
  return true;
}

std::string LabelSelector::str() const {
  std::string out;
  for (const auto& r : requirements_) {
    if (!out.empty()) out += ",";
    auto joined = [&] {
      std::string s;
      for (size_t i = 0; i < r.values.size(); ++i) s += (i ? "," : "") + r.values[i];
      return s;
    };
    switch (r.op) {
      case Op::Equals: out += r.key + "=" + (r.values.empty() ? "" : r.values[0]); break;
      case Op::NotEquals: out += r.key + "!=" + (r.values.empty() ? "" : r.values[0]); break;
      case Op::In: out += r.key + " in (" + joined() + ")"; break;
      case Op::NotIn: out += r.key + " notin (" + joined() + ")"; break;
      case Op::Exists: out += r.key; break;
      case Op::DoesNotExist: out += "!" + r.key; break;
    }
  }
  return out;
}

std::optional<std::string> selectable_field(const GroupVersionKind& gvk, const json& obj, std::string_view field) {
  if (field == "metadata.name") return nested_string(obj, {"metadata", "name"});
  if (field == "metadata.namespace") return nested_string(obj, {"metadata", "namespace"});
  for (const auto& f : kind_fields(gvk))
    if (field == f.name) {
      // source: kube reports the component
      return nested_string(obj, f.path);
    }
  return std::nullopt;
}

std::vector<std::string> selectable_fields(const GroupVersionKind& gvk) {
  std::vector<std::string> out{"metadata.name", "metadata.namespace"};
  for (const auto& f : kind_fields(gvk)) out.push_back(f.name);
  return out;
}

ApiResult<FieldSelector> FieldSelector::parse(std::string_view text, const GroupVersionKind& gvk) {
  FieldSelector sel;
  sel.gvk_ = gvk;
  // Split on unescaped commas; "\," and "\=" escape.
  std::vector<std::string> terms;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      cur += text[i];
      cur += text[++i];
    } else if (text[i] == ',') {
      terms.push_back(cur);
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  if (!cur.empty() || !terms.empty()) terms.push_back(cur);
  auto unescape = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out += s[i];
    }
    return out;
  };
  auto find_unescaped = [](const std::string& s, std::string_view op) -> size_t {
    for (size_t i = 0; i + op.size() <= s.size(); ++i) {
      if (s[i] == '\\') { ++i; continue; }
      if (s.compare(i, op.size(), op) == 0) return i;
    }
    return std::string::npos;
  };
  for (const auto& term : terms) {
    if (term.empty()) continue;
    Requirement r;
    size_t at;
    if ((at = find_unescaped(term, "!=")) != std::string::npos) {
      r = {unescape(std::string_view(term).substr(0, at)), false, unescape(std::string_view(term).substr(at + 2))};
    } else if ((at = find_unescaped(term, "==")) != std::string::npos) {
      r = {unescape(std::string_view(term).substr(0, at)), true, unescape(std::string_view(term).substr(at + 2))};
    } else if ((at = find_unescaped(term, "=")) != std::string::npos) {
      r = {unescape(std::string_view(term).substr(0, at)), true, unescape(std::string_view(term).substr(at + 1))};
    } else {
      return bad_request("invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'");
    }
    auto trim = [](std::string s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
      return s;
    };
    r.field = trim(r.field);
    if (!selectable_field(gvk, json::object(), r.field)) return bad_request("field label not supported: " + r.field);
    sel.requirements_.push_back(std::move(r));
  }
  return sel;
}

bool FieldSelector::matches(const json& obj) const {
  for (const auto& r : requirements_) {
    auto v = selectable_field(gvk_, obj, r.field);
    if (!v) return false;
    if ((*v == r.value) != r.equals) return false;
  }
  return true;
}

std::optional<std::string> FieldSelector::exact(std::string_view field) const {
  for (const auto& r : requirements_)
    if (r.equals && r.field == field) return r.value;
  return std::nullopt;
}

}  // namespace skiff::apimachinery
