#include "skiff/dns/forwarder.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "skiff/dns/config.h"

namespace skiff::dns {

namespace asio = boost::asio;

struct Forwarder::Socket {
  Socket(asio::io_context& io, ares_socket_t fd) : fd(fd), sd(io, fd) {}
  ~Socket() { detach(); }
  // c-ares owns the descriptor: stop waiting and let go of it without
  // closing, before c-ares closes it (the number may be reused at once).
  void detach() {
    if (closed) return;
    closed = true;
    boost::system::error_code ec;
    sd.cancel(ec);
    sd.release();
  }
  ares_socket_t fd;
  asio::posix::stream_descriptor sd;
  bool want_read = false, want_write = false;
  bool reading = false, writing = false;
  bool closed = false;
};

namespace {
struct Request {
  Forwarder::Done done;
  size_t* pending;
};
}  // namespace

Forwarder::Forwarder(asio::io_context& io) : io_(io), timer_(io) {}

std::expected<std::unique_ptr<Forwarder>, std::string> Forwarder::create(asio::io_context& io,
                                                                         const std::vector<std::string>& servers,
                                                                         uint32_t timeout_ms, uint32_t tries) {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  if (servers.empty()) return std::unexpected("forwarder: no upstream servers");
  std::string csv;
  for (const auto& s : servers) {
    auto hp = parse_host_port(s, 53);
    if (!hp) return std::unexpected("forwarder: " + hp.error());
    if (!csv.empty()) csv += ',';
    csv += hp->host.find(':') != std::string::npos ? "[" + hp->host + "]" : hp->host;
    csv += ":" + std::to_string(hp->port);
  }
  std::unique_ptr<Forwarder> f(new Forwarder(io));
  ares_options opts{};
  // NOCHECKRESP: hand SERVFAIL/REFUSED answers to us instead of failing over silently.
  opts.flags = ARES_FLAG_NOCHECKRESP;
  opts.timeout = static_cast<int>(timeout_ms);
  opts.tries = static_cast<int>(tries);
  opts.sock_state_cb = &Forwarder::on_socket_state;
  opts.sock_state_cb_data = f.get();
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  if (int rc = ares_init_options(&f->channel_, &opts, mask); rc != ARES_SUCCESS)
    return std::unexpected(std::string("forwarder: ares_init_options: ") + ares_strerror(rc));
  if (int rc = ares_set_servers_ports_csv(f->channel_, csv.c_str()); rc != ARES_SUCCESS)
    return std::unexpected(std::string("forwarder: servers ") + csv + ": " + ares_strerror(rc));
  return f;
}

Forwarder::~Forwarder() {
  timer_.cancel();
  // Outstanding queries complete with ARES_EDESTRUCTION; callers expect it.
  if (channel_) ares_destroy(channel_);
  for (auto& [fd, s] : sockets_) s->detach();
  sockets_.clear();
}

void Forwarder::send(std::span<const uint8_t> query, Done done) {
  ++pending_;
  auto* req = new Request{std::move(done), &pending_};
  ares_send(channel_, query.data(), static_cast<int>(query.size()), &Forwarder::on_answer, req);
  schedule_timer();
}

void Forwarder::on_answer(void* arg, int status, int, unsigned char* abuf, int alen) {
  std::unique_ptr<Request> req(static_cast<Request*>(arg));
  --*req->pending;
  if (status == ARES_SUCCESS && abuf && alen > 0) {
    req->done(std::span<const uint8_t>(abuf, static_cast<size_t>(alen)));
  } else {
    req->done(std::unexpected(status));
  }
}

void Forwarder::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<Forwarder*>(data);
  auto it = self->sockets_.find(fd);
  if (!readable && !writable) {
    if (it != self->sockets_.end()) {
      it->second->detach();
      self->sockets_.erase(it);
    }
    return;
  }
  if (it == self->sockets_.end()) it = self->sockets_.emplace(fd, std::make_shared<Socket>(self->io_, fd)).first;
  it->second->want_read = readable;
  it->second->want_write = writable;
  self->arm(it->second);
}

void Forwarder::arm(const std::shared_ptr<Socket>& s) {
  if (s->closed) return;
  if (s->want_read && !s->reading) {
    s->reading = true;
    s->sd.async_wait(asio::posix::stream_descriptor::wait_read, [this, s](const boost::system::error_code& ec) {
      s->reading = false;
      if (ec || s->closed) return;
      process(s->fd, ARES_SOCKET_BAD);
      arm(s);
    });
  }
  if (s->want_write && !s->writing) {
    s->writing = true;
    s->sd.async_wait(asio::posix::stream_descriptor::wait_write, [this, s](const boost::system::error_code& ec) {
      s->writing = false;
      if (ec || s->closed) return;
      process(ARES_SOCKET_BAD, s->fd);
      arm(s);
    });
  }
}

void Forwarder::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  schedule_timer();
}

void Forwarder::schedule_timer() {
  timeval tv{};
  if (!ares_timeout(channel_, nullptr, &tv)) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

}  // namespace skiff::dns
