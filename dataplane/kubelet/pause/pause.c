// The sandbox ("pause") process of every pod: holds the pod's namespaces and
// sleeps until SIGTERM/SIGINT, reaping orphans meanwhile (it is PID 1 when the
// pod shares its PID namespace). Built -static so the image needs no libc.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, 0, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction stop = {0};
  stop.sa_handler = on_stop;
  sigaction(SIGTERM, &stop, 0);
  sigaction(SIGINT, &stop, 0);
  struct sigaction child = {0};
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &child, 0);
  while (!stop_requested) pause();
  return 0;
}
