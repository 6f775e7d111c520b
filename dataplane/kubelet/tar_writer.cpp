#include "kubelet/tar_writer.h"

#include <cstdio>
#include <cstring>

namespace skiff::kubelet {

namespace {

void put_octal(char* field, size_t width, uint64_t value) {
  // width includes the terminating NUL; digits are zero-padded octal.
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
}

}  // namespace

Result<> TarWriter::header(std::string_view path, char type, uint64_t size, uint32_t mode, std::string_view link) {
  char h[512];
  std::memset(h, 0, sizeof h);
  std::string name(path);
  if (type == '5' && !name.ends_with('/')) name += '/';
  std::string prefix;
  if (name.size() > 100) {
    // ustar splits long names at a '/' into prefix (155) and name (100).
    size_t cut = name.rfind('/', name.size() - 2);
    while (cut != std::string::npos && (cut > 155 || name.size() - cut - 1 > 100))
      cut = cut == 0 ? std::string::npos : name.rfind('/', cut - 1);
    if (cut == std::string::npos) return fail("tar: path too long: " + name);
    prefix = name.substr(0, cut);
    name = name.substr(cut + 1);
  }
  if (link.size() > 100) return fail("tar: link target too long: " + std::string(link));
  std::memcpy(h, name.data(), name.size());
  put_octal(h + 100, 8, mode);
  put_octal(h + 108, 8, 0);
  put_octal(h + 116, 8, 0);
  put_octal(h + 124, 12, size);
  put_octal(h + 136, 12, static_cast<uint64_t>(mtime_));
  std::memset(h + 148, ' ', 8);
  h[156] = type;
  std::memcpy(h + 157, link.data(), link.size());
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memcpy(h + 265, "root", 4);
  std::memcpy(h + 297, "root", 4);
  std::memcpy(h + 345, prefix.data(), prefix.size());
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  put_octal(h + 148, 7, sum);
  h[155] = ' ';
  out_.append(h, sizeof h);
  return {};
}

Result<> TarWriter::add_file(std::string_view path, std::string_view content, uint32_t mode) {
  if (auto r = header(path, '0', content.size(), mode, {}); !r) return r;
  out_.append(content);
  out_.append((512 - content.size() % 512) % 512, '\0');
  return {};
}

Result<> TarWriter::add_directory(std::string_view path, uint32_t mode) { return header(path, '5', 0, mode, {}); }

Result<> TarWriter::add_symlink(std::string_view path, std::string_view target) {
  return header(path, '2', 0, 0777, target);
}

std::string TarWriter::finish() {
  out_.append(1024, '\0');
  return std::move(out_);
}

}  // namespace skiff::kubelet
