// skiff-cni: the CNI plugin binary. The runtime passes the command in CNI_*
// environment variables and the network config on stdin; the result or error
// goes to stdout, logs to stderr.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

#include "cni/lib/commands.h"
#include "cni/lib/logging.h"

int main() {
  skiff::cni::init_logging();
  std::string input;
  // A runtime always gives a pipe; a person typing VERSION at a terminal gives nothing.
  if (!isatty(STDIN_FILENO))
    input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  if (std::cin.bad()) {
    std::cout << R"({"cniVersion":"1.1.0","code":5,"msg":"cannot read the network config from stdin"})" << std::endl;
    return 1;
  }
  auto outcome = skiff::cni::run_plugin([](const char* name) { return std::getenv(name); }, input);
  std::cout << outcome.stdout_text << std::flush;
  return outcome.exit_code;
}
