#include "connections.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "util/json_writer.h"

namespace kindred::server {

namespace {

using Clock = std::chrono::steady_clock;

thread_local ConnectionState* tl_connection = nullptr;
thread_local bool tl_over_limit = false;  // set while the accepting thread turns one away

// Waits in slices this long, so that shutdown() ends every wait soon.
constexpr Millis kSlice{100};

void address_of(const sockaddr_storage& a, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    port = ntohs(v4->sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    port = ntohs(v6->sin6_port);
  }
  ip = buf;
}

class SocketTransport : public Transport {
 public:
  explicit SocketTransport(int fd) : fd_(fd) {}
  int wait_readable(Millis wait) override {
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (r < 0) return errno == EINTR ? 0 : -1;
    return r == 0 ? 0 : 1;  // POLLHUP / POLLERR: receive() reports them
  }
  ssize_t receive(char* buf, size_t size) override {
    ssize_t n;
    do {
      n = ::recv(fd_, buf, size, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  ssize_t send(const char* data, size_t size, Millis timeout) override {
    pollfd p{fd_, POLLOUT, 0};
    int r;
    do {
      r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (r < 0 && errno == EINTR);
    if (r <= 0) return -1;
    ssize_t n;
    do {
      n = ::send(fd_, data, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  int fd() const override { return fd_; }
  void peer(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) address_of(a, ip, port);
  }
  void local(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) address_of(a, ip, port);
  }

 private:
  int fd_;
};

// A connection whose client sent `input` and then closed its side.
class MemoryTransport : public Transport {
 public:
  explicit MemoryTransport(std::string_view input) : input_(input) {}
  int wait_readable(Millis) override { return 1; }
  ssize_t receive(char* buf, size_t size) override {
    const size_t n = std::min(size, input_.size() - pos_);
    std::copy_n(input_.data() + pos_, n, buf);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t send(const char* data, size_t size, Millis) override {
    constexpr size_t kMaxOutput = 64u << 20;
    if (output_.size() + size > kMaxOutput) return -1;
    output_.append(data, size);
    return static_cast<ssize_t>(size);
  }
  void peer(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 1;
  }
  void local(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 2;
  }
  std::string& output() { return output_; }

 private:
  std::string_view input_;
  size_t pos_ = 0;
  std::string output_;
};

// httplib's view of a connection: buffered reads under the request's
// deadlines and caps. It finds where the head ends itself (the blank line),
// so that the head and the body are capped separately.
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(Transport& t, const ConnectionLimits& limits, ConnectionState& state,
                const std::atomic<bool>& stopping)
      : t_(t), limits_(limits), state_(state), stopping_(stopping), buf_(16u << 10) {}

  // Waits for the next request to start; false when the connection ends first.
  bool wait_for_request() {
    if (begin_ < end_) return true;
    const auto deadline = Clock::now() + limits_.idle_timeout;
    while (!stopping_) {
      const auto now = Clock::now();
      if (now >= deadline) return false;
      const int r = t_.wait_readable(std::min(kSlice, ceil_millis(deadline - now)));
      if (r != 0) return r > 0;
    }
    return false;
  }

  void begin_request() {
    const auto now = Clock::now();
    head_deadline_ = now + limits_.header_timeout;
    request_deadline_ = now + limits_.request_timeout;
    in_head_ = true;
    blank_ = 0;
    head_bytes_ = body_bytes_ = 0;
    written_ = 0;
  }
  size_t received() const { return head_bytes_ + body_bytes_; }
  size_t written() const { return written_; }
  bool broken() const { return read_failed_ || write_failed_; }

  bool is_readable() const override { return begin_ < end_; }
  bool is_writable() const override { return !write_failed_; }

  ssize_t read(char* ptr, size_t size) override {
    if (read_failed_) return -1;
    if (begin_ == end_ && !fill()) return -1;
    if (begin_ == end_) return 0;  // the client closed its side
    size_t n = std::min(size, end_ - begin_);
    if (in_head_) {
      n = head_part(n);  // the head alone: the body is counted from the next read
      if (read_failed_) return -1;
    } else {
      body_bytes_ += n;
      if (body_bytes_ > limits_.max_wire_body_bytes) return fail(state_.body_too_large);
    }
    std::copy_n(buf_.data() + begin_, n, ptr);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (write_failed_) return -1;
    const ssize_t n = t_.send(ptr, size, limits_.write_timeout);
    if (n < 0) {
      write_failed_ = true;
      return -1;
    }
    written_ += static_cast<size_t>(n);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { t_.peer(ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { t_.local(ip, port); }
  socket_t socket() const override { return t_.fd(); }

 private:
  static Millis ceil_millis(Clock::duration d) { return std::chrono::ceil<Millis>(d); }

  ssize_t fail(bool& flag) {
    flag = true;
    read_failed_ = true;  // answers can still be written
    return -1;
  }

  // Counts head bytes among the next `n` buffered ones, up to and including
  // the blank line that ends the head; returns how many it took (0 when the
  // head is over its cap).
  size_t head_part(size_t n) {
    size_t i = 0;
    while (i < n && in_head_) {
      const char c = buf_[begin_ + i++];
      // "\r\n\r\n" ends the head; the states count how much of it was seen.
      blank_ = c == '\n' ? (blank_ == 1 || blank_ == 3 ? blank_ + 1 : 0)
                         : (c == '\r' ? (blank_ == 2 ? 3 : 1) : 0);
      if (blank_ == 4) in_head_ = false;
    }
    head_bytes_ += i;
    if (head_bytes_ > limits_.max_head_bytes) {
      fail(state_.head_too_large);
      return 0;
    }
    return i;
  }

  // Refills the buffer under the deadlines; false on timeout, error or shutdown.
  bool fill() {
    begin_ = end_ = 0;
    const auto silence = Clock::now() + limits_.read_timeout;
    for (;;) {
      const auto now = Clock::now();
      const auto deadline =
          std::min({silence, in_head_ ? head_deadline_ : request_deadline_, request_deadline_});
      if (now >= deadline) {
        fail(state_.timed_out);
        return false;
      }
      if (stopping_) {
        fail(state_.close);
        return false;
      }
      const int r = t_.wait_readable(std::min(kSlice, ceil_millis(deadline - now)));
      if (r > 0) break;
      if (r < 0) {
        fail(state_.close);
        return false;
      }
    }
    const ssize_t n = t_.receive(buf_.data(), buf_.size());
    if (n < 0) {
      fail(state_.close);
      return false;
    }
    end_ = static_cast<size_t>(n);
    return true;
  }

  Transport& t_;
  const ConnectionLimits& limits_;
  ConnectionState& state_;
  const std::atomic<bool>& stopping_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  bool read_failed_ = false, write_failed_ = false;
  bool in_head_ = true;
  int blank_ = 0;
  size_t head_bytes_ = 0, written_ = 0;
  uint64_t body_bytes_ = 0;
  Clock::time_point head_deadline_, request_deadline_;
};

// Each connection on its own thread, at most `max` at once. Threads are
// started when needed and kept until shutdown. One connection more is run on
// the accepting thread with tl_over_limit set, which answers it 503.
class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(size_t max) : max_(std::max<size_t>(max, 1)) {}
  ~ConnectionPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mu_);
      if (!stop_ && active_ < max_) {
        ++active_;
        jobs_.push_back(std::move(fn));
        if (threads_.size() < active_) threads_.emplace_back([this] { work(); });
        cv_.notify_one();
        return;
      }
    }
    tl_over_limit = true;
    fn();
    tl_over_limit = false;
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and every accepted connection served
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      fn();
      std::lock_guard lock(mu_);
      --active_;
    }
  }

  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t active_ = 0;  // connections queued or being served
  bool stop_ = false;
};

std::string json_error(const std::string& message) {
  std::string out;
  util::JsonWriter(out).begin_object().field("error", message).end_object();
  return out;
}

// An answer written by hand, for when httplib has none to give (a request that
// never arrived whole, or a connection over the limit).
void write_raw(Transport& t, int status, const char* reason, const std::string& message,
               const char* extra_header = "") {
  const std::string body = json_error(message);
  const std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n" + extra_header + "\r\n" + body;
  size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = t.send(out.data() + sent, out.size() - sent, Millis{1000});
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

std::string seconds(Millis m) {
  const auto ms = m.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

ConnectionState* current_connection() {
  return tl_connection;
}

GuardedServer::GuardedServer(ConnectionLimits limits) : limits_(limits) {
  const size_t max = limits_.max_connections;
  new_task_queue = [max] { return new ConnectionPool(max); };
  // Only for the Keep-Alive header httplib writes: the loop below enforces them.
  set_keep_alive_max_count(limits_.max_requests);
  set_keep_alive_timeout(std::max<time_t>(1, limits_.idle_timeout.count() / 1000));
}

void GuardedServer::widen_backlog(int backlog) {
  const socket_t sock = svr_sock_;
  if (sock != INVALID_SOCKET) ::listen(sock, backlog);  // Linux: a second listen() resizes
}

void GuardedServer::shutdown() {
  stopping_ = true;
  if (is_running()) stop();
}

bool GuardedServer::serve(Transport& transport) {
  ConnectionState state;
  ConnectionState* const outer = tl_connection;
  tl_connection = &state;
  GuardedStream stream(transport, limits_, state, stopping_);
  for (size_t n = 0; n < limits_.max_requests && stream.wait_for_request(); ++n) {
    state = ConnectionState{};
    stream.begin_request();
    const bool last = n + 1 == limits_.max_requests || stopping_;
    bool client_closes = false;
    const bool ok = process_request(stream, last, client_closes, nullptr);
    if (!ok && stream.written() == 0 && stream.received() > 0) {
      // httplib gives no answer when the request line itself did not arrive.
      if (state.timed_out) {
        write_raw(transport, 408, "Request Timeout",
                  "request not received in time (headers within " +
                      seconds(limits_.header_timeout) + ", no pause over " +
                      seconds(limits_.read_timeout) + ")");
      } else if (state.head_too_large) {
        write_raw(
            transport, 431, "Request Header Fields Too Large",
            "request line and headers over " + std::to_string(limits_.max_head_bytes) + " bytes");
      }
    }
    if (!ok || client_closes || last || state.close || stream.broken()) break;
  }
  tl_connection = outer;
  return state.close || state.timed_out || state.head_too_large || state.body_too_large;
}

std::string GuardedServer::serve_bytes(std::string_view request) {
  MemoryTransport t(request);
  (void)serve(t);
  return std::move(t.output());
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  SocketTransport transport(sock);
  if (tl_over_limit) {
    write_raw(transport, 503, "Service Unavailable",
              "too many connections (at most " + std::to_string(limits_.max_connections) +
                  "); retry later",
              "Retry-After: 1\r\n");
    // Take what the client already sent, so that closing does not reset the
    // connection before it reads the answer.
    ::shutdown(sock, SHUT_WR);
    char sink[4096];
    for (int i = 0; i < 16 && ::recv(sock, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
    }
  } else if (serve(transport)) {
    // Lingering close: stop sending, then take what the client still sends for
    // a moment, so that it reads the answer instead of a reset.
    ::shutdown(sock, SHUT_WR);
    char sink[16384];
    const auto until = Clock::now() + Millis{1000};
    uint64_t drained = 0;
    while (drained < (4u << 20) && Clock::now() < until && !stopping_ &&
           transport.wait_readable(kSlice) >= 0) {
      const ssize_t n = ::recv(sock, sink, sizeof sink, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
      if (n > 0) drained += static_cast<uint64_t>(n);
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

}  // namespace kindred::server
