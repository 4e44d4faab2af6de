/*
 * Parla load generator: C clients speaking docs/PROTOCOL.md over 127.0.0.1, one thread, epoll.
 *
 *   loadgen --port P --clients C --senders S --rate R --duration D [options]
 *
 * Phases:
 *   1. register: connect C clients, each sends hello and waits for welcome; at most
 *      --inflight connections are between connect() and their welcome at any time;
 *   2. presence: wait until every `joined` the server owes has arrived
 *      (C*(C-1)/2 with --presence expect; nothing with --presence none), then --settle-ms;
 *   3. send: the first S clients send `say` at an aggregate open-loop rate R for D
 *      seconds (or --count messages). Message g is *scheduled* at t0 + g/R whatever
 *      happened before, and its text carries that scheduled time: a late send, a full
 *      socket buffer or a slow server all count as latency (no coordinated omission);
 *   4. drain: wait until every delivery arrived, or --quiet-s without a byte, or
 *      --drain-timeout-s after the last send.
 *
 * Every frame received is counted. A delivery is a frame whose payload holds the
 * marker "LG1 <g> <sched_ns> <sender>" (the text we sent), wherever the server put
 * it (a `message`, or the raw `say` a relay passes on); frames with "history" are
 * replays and counted apart. Output: one JSON object on stdout.
 *
 * --rooms K spreads the clients over K rooms: client i joins room "r<i mod K>" after its
 * welcome (registered when the server answers its own join), says there, and a message's
 * receivers are its room's members (registration and presence count the room's joins).
 *
 * --proto irc speaks IRC instead, to compare with C IRC servers: NICK and USER, then JOIN
 * #bench after the welcome (001), register (done at the channel's end of NAMES, 366), a later client's JOIN is
 * presence, PRIVMSG #bench carries the same marker, PING gets its PONG. An IRC server
 * does not echo a message to its sender: each message has one receiver fewer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "common.h"

#define RBUF_SIZE (1u << 20)
#define MAX_EVENTS 1024
#define MARKER "LG1 "

/* ---------------------------------------------------------------- histogram */

/* Log-linear buckets over microseconds: exact below 128 us, then 64 sub-buckets per
 * power of two (<= 1.6 % error) up to 2^47 us. */
#define H_LINEAR 128
#define H_SUB 64
#define H_BUCKETS (H_LINEAR + 42 * H_SUB)

typedef struct {
    uint64_t counts[H_BUCKETS];
    uint64_t n;
    uint64_t max_ns;
    uint64_t min_ns;
    double sum_ns;
} hist_t;

static int h_index(uint64_t us) {
    if (us < H_LINEAR) return (int)us;
    int msb = 63 - __builtin_clzll(us);
    int shift = msb - 6;
    int idx = H_LINEAR + (shift - 1) * H_SUB + (int)((us >> shift) - H_SUB);
    return idx < H_BUCKETS ? idx : H_BUCKETS - 1;
}

static double h_value_us(int idx) {
    if (idx < H_LINEAR) return idx;
    int shift = (idx - H_LINEAR) / H_SUB + 1;
    uint64_t sub = (uint64_t)((idx - H_LINEAR) % H_SUB + H_SUB);
    double lo = (double)(sub << shift);
    double hi = (double)((sub + 1) << shift);
    return (lo + hi) / 2.0;
}

static void h_add(hist_t *h, uint64_t ns) {
    h->counts[h_index(ns / 1000)]++;
    if (h->n == 0 || ns < h->min_ns) h->min_ns = ns;
    if (ns > h->max_ns) h->max_ns = ns;
    h->n++;
    h->sum_ns += (double)ns;
}

static double h_pct_ms(const hist_t *h, double p) {
    if (h->n == 0) return -1.0;
    uint64_t want = (uint64_t)ceil(p / 100.0 * (double)h->n);
    if (want < 1) want = 1;
    uint64_t acc = 0;
    for (int i = 0; i < H_BUCKETS; i++) {
        acc += h->counts[i];
        if (acc >= want) {
            double v = h_value_us(i) / 1000.0;
            double mx = (double)h->max_ns / 1e6;
            return v > mx ? mx : v;
        }
    }
    return (double)h->max_ns / 1e6;
}

static void h_print(const char *name, const hist_t *h) {
    printf("\"%s\":{\"n\":%llu", name, (unsigned long long)h->n);
    if (h->n > 0) {
        printf(",\"min\":%.3f,\"mean\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f",
               (double)h->min_ns / 1e6, h->sum_ns / (double)h->n / 1e6, h_pct_ms(h, 50), h_pct_ms(h, 90),
               h_pct_ms(h, 99), h_pct_ms(h, 99.9), (double)h->max_ns / 1e6);
    }
    printf("}");
}

/* ---------------------------------------------------------------- options */

static struct {
    int port;
    int clients;
    int senders;
    double rate;
    double duration;
    long long count;
    int inflight;
    int text_size;
    bool presence;
    bool cid;
    bool skip_send_on_timeout;
    double register_timeout;
    double presence_timeout;
    double drain_timeout;
    double quiet;
    double settle;
    int server_pid;
    const char *prefix;
    bool irc; /* speak IRC instead (the C IRC servers of bench/baselines/irc_server.py) */
    int rooms; /* 0: everyone in one room (general, #bench); K: client i in room r<i mod K> */
} opt = {
    .port = 0,
    .clients = 100,
    .senders = 10,
    .rate = 1000,
    .duration = 5,
    .count = -1,
    .inflight = 200,
    .text_size = 64,
    .presence = true,
    .cid = true,
    .register_timeout = 60,
    .presence_timeout = 60,
    .drain_timeout = 10,
    .quiet = 2,
    .settle = 0.2,
    .server_pid = 0,
    .prefix = "lg",
    .rooms = 0,
};

/* ---------------------------------------------------------------- connections */

enum { C_IDLE, C_CONNECTING, C_HELLO, C_READY, C_CLOSED };

typedef struct {
    int fd;
    uint32_t idx;
    uint8_t state;
    bool epollout;
    bool queued_flush;
    buf_t in;  /* an incomplete frame */
    buf_t out; /* bytes not yet taken by the kernel */
} conn_t;

static conn_t *conns;
static int epfd;
static unsigned char *rbuf;

static struct {
    uint64_t deliveries, history, echoes, joined, left, welcomes, errors, other, frames, pings;
    uint64_t err_rate_limited, err_other_say, err_fatal, left_send_queue;
    uint64_t closed_by_server, connect_failures, register_failures;
    uint64_t bytes_in, bytes_out, sent, sent_receivers;
    uint64_t first_delivery_ns, last_delivery_ns, last_byte_ns;
} st;

static hist_t lat;      /* per delivery: receive time - scheduled send time */
static hist_t complete; /* per message: last receiver's time - scheduled send time */
static hist_t lag;      /* per message: when the generator wrote it - scheduled time */

static uint32_t *recv_count; /* per message g */
static uint64_t total_msgs;
static uint32_t receivers;
static int registered, inflight, started, alive;
static uint32_t *room_receivers; /* --rooms: per room, the receivers of a message said there */

static unsigned room_of(uint32_t idx) { return opt.rooms > 0 ? idx % (unsigned)opt.rooms : 0; }

/* Receivers of a message from client idx: everyone, or its room's members. */
static uint32_t receivers_of(uint64_t idx) {
    return opt.rooms > 0 && idx < (uint64_t)opt.clients ? room_receivers[room_of((uint32_t)idx)] : receivers;
}

static void set_events(conn_t *c) {
    struct epoll_event ev = {.events = EPOLLIN | (c->out.len ? EPOLLOUT : 0), .data.u32 = c->idx};
    bool want = c->out.len > 0;
    if (want != c->epollout) {
        c->epollout = want;
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
    }
}

static void conn_close(conn_t *c, bool by_server) {
    if (c->state == C_CLOSED) return;
    if (c->state == C_CONNECTING || c->state == C_HELLO) inflight--;
    if (c->state == C_READY) alive--;
    if (by_server) st.closed_by_server++;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->state = C_CLOSED;
    buf_free(&c->in);
    buf_free(&c->out);
}

static void conn_flush(conn_t *c) {
    while (c->out.len > 0) {
        ssize_t w = write(c->fd, c->out.data + c->out.off, c->out.len);
        if (w > 0) {
            st.bytes_out += (uint64_t)w;
            buf_consume(&c->out, (size_t)w);
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            conn_close(c, true);
            return;
        }
    }
    set_events(c);
}

static void send_hello(conn_t *c) {
    char payload[200];
    int n;
    if (opt.irc) {
        /* JOIN follows the server's welcome (001); registered at the channel's end of NAMES (366) */
        n = snprintf(payload, sizeof payload, "NICK %s%u\r\nUSER %s%u 0 * :lg\r\n", opt.prefix, c->idx,
                     opt.prefix, c->idx);
        buf_append(&c->out, payload, (size_t)n);
    } else {
        n = snprintf(payload, sizeof payload, "{\"type\":\"hello\",\"version\":1,\"name\":\"%s%u\"}", opt.prefix,
                     c->idx);
        buf_frame(&c->out, payload, (size_t)n);
    }
    c->state = C_HELLO;
    conn_flush(c);
}

static void conn_start(conn_t *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only, always */
    c->fd = fd;
    c->state = C_CONNECTING;
    c->epollout = true;
    inflight++;
    started++;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = c->idx};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl add");
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
        st.connect_failures++;
        conn_close(c, false);
    }
}

/* ---------------------------------------------------------------- frames in */

static bool parse_u64(const char **pp, const char *end, uint64_t *out) {
    const char *p = *pp;
    uint64_t v = 0;
    if (p >= end || *p < '0' || *p > '9') return false;
    while (p < end && *p >= '0' && *p <= '9') v = v * 10 + (uint64_t)(*p++ - '0');
    if (p < end && *p == ' ') p++;
    *pp = p;
    *out = v;
    return true;
}

static bool field_is(const char *v, size_t n, const char *want) { return n == strlen(want) && memcmp(v, want, n) == 0; }

/* A frame or line holding the marker: a delivery (true), or something else with it (false). */
static bool handle_delivery(conn_t *c, const char *p, size_t n, uint64_t t) {
    const char *m = memmem(p, n, MARKER, sizeof MARKER - 1);
    if (m == NULL) return false;
    const char *end = p + n;
    const char *q = m + sizeof MARKER - 1;
    uint64_t g, sched, sender;
    if (!parse_u64(&q, end, &g) || !parse_u64(&q, end, &sched) || !parse_u64(&q, end, &sender)) {
        st.other++;
        return true;
    }
    if (memmem(p, n, "\"history\"", 9) != NULL) {
        st.history++;
        return true;
    }
    st.deliveries++;
    if (st.first_delivery_ns == 0) st.first_delivery_ns = t;
    st.last_delivery_ns = t;
    h_add(&lat, t > sched ? t - sched : 0);
    if (sender == c->idx) st.echoes++;
    if (g < total_msgs && ++recv_count[g] == receivers_of(sender)) h_add(&complete, t > sched ? t - sched : 0);
    return true;
}

static void registered_now(conn_t *c) {
    st.welcomes++;
    if (c->state == C_HELLO) {
        c->state = C_READY;
        inflight--;
        registered++;
        alive++;
    }
}

static void handle_frame(conn_t *c, const char *p, size_t n, uint64_t t) {
    st.frames++;
    if (handle_delivery(c, p, n, t)) return;
    size_t tl;
    const char *type = json_str_field(p, n, "type", &tl);
    if (type == NULL) {
        st.other++;
    } else if (field_is(type, tl, "joined")) {
        /* the answer to our own join carries the room's users: registered now */
        if (opt.rooms > 0 && c->state == C_HELLO && memmem(p, n, "\"users\"", 7) != NULL)
            registered_now(c);
        else
            st.joined++;
    } else if (field_is(type, tl, "welcome")) {
        if (opt.rooms > 0) {
            char join[96];
            int jl = snprintf(join, sizeof join, "{\"type\":\"join\",\"room\":\"r%u\"}", room_of(c->idx));
            buf_frame(&c->out, join, (size_t)jl);
            conn_flush(c);
        } else {
            registered_now(c);
        }
    } else if (field_is(type, tl, "ping")) {
        /* a server pings a client silent for a while (30 s by default): answer, as a client must */
        st.pings++;
        size_t kl;
        const char *token = json_str_field(p, n, "token", &kl);
        char pong[160];
        int pl = snprintf(pong, sizeof pong, "{\"type\":\"pong\",\"token\":\"%.*s\"}", token != NULL && kl < 100 ? (int)kl : 0,
                          token != NULL ? token : "");
        buf_frame(&c->out, pong, (size_t)pl);
        conn_flush(c);
    } else if (field_is(type, tl, "left")) {
        st.left++;
        size_t rl;
        const char *reason = json_str_field(p, n, "reason", &rl);
        if (reason != NULL && field_is(reason, rl, "send_queue")) st.left_send_queue++;
    } else if (field_is(type, tl, "error")) {
        st.errors++;
        size_t cl;
        const char *code = json_str_field(p, n, "code", &cl);
        bool fatal = memmem(p, n, "\"fatal\":true", 12) != NULL || memmem(p, n, "\"fatal\": true", 13) != NULL;
        if (fatal) st.err_fatal++;
        if (code != NULL && field_is(code, cl, "rate_limited"))
            st.err_rate_limited++;
        else if (memmem(p, n, "\"cid\"", 5) != NULL)
            st.err_other_say++;
        if (c->state == C_HELLO) {
            st.register_failures++;
            fprintf(stderr, "registration refused: %.*s\n", (int)n, p);
        }
    } else {
        st.other++;
    }
}

/* Whether an IRC prefix "nick!user@host" names c itself. */
static bool prefix_is_self(const conn_t *c, const char *nick, size_t n) {
    size_t pl = strlen(opt.prefix);
    if (n <= pl || memcmp(nick, opt.prefix, pl) != 0) return false;
    uint64_t v = 0;
    for (size_t i = pl; i < n; i++) {
        if (nick[i] < '0' || nick[i] > '9') return false;
        v = v * 10 + (uint64_t)(nick[i] - '0');
    }
    return v == c->idx;
}

/* One IRC line, without its CR LF. */
static void handle_line(conn_t *c, const char *p, size_t n, uint64_t t) {
    st.frames++;
    if (handle_delivery(c, p, n, t)) return;
    if (n >= 4 && memcmp(p, "PING", 4) == 0) {
        st.pings++;
        char pong[600];
        int pl = snprintf(pong, sizeof pong, "PONG%.*s\r\n", n - 4 < 500 ? (int)(n - 4) : 0, p + 4);
        buf_append(&c->out, pong, (size_t)pl);
        conn_flush(c);
        return;
    }
    if (n >= 5 && memcmp(p, "ERROR", 5) == 0) {
        st.errors++;
        st.err_fatal++;
        return;
    }
    if (n == 0 || p[0] != ':') {
        st.other++;
        return;
    }
    const char *end = p + n;
    const char *sp = memchr(p, ' ', n);
    if (sp == NULL) {
        st.other++;
        return;
    }
    const char *bang = memchr(p, '!', (size_t)(sp - p));
    const char *cmd = sp + 1;
    const char *cmd_end = memchr(cmd, ' ', (size_t)(end - cmd));
    size_t cl = cmd_end != NULL ? (size_t)(cmd_end - cmd) : (size_t)(end - cmd);
    if (field_is(cmd, cl, "JOIN")) {
        if (bang == NULL || !prefix_is_self(c, p + 1, (size_t)(bang - p - 1))) st.joined++;
    } else if (field_is(cmd, cl, "001")) {
        char join[64];
        int jl = opt.rooms > 0 ? snprintf(join, sizeof join, "JOIN #r%u\r\n", room_of(c->idx))
                               : snprintf(join, sizeof join, "JOIN #bench\r\n");
        buf_append(&c->out, join, (size_t)jl);
        conn_flush(c);
    } else if (field_is(cmd, cl, "366")) {
        registered_now(c);
    } else if (field_is(cmd, cl, "QUIT") || field_is(cmd, cl, "PART")) {
        st.left++;
    } else if (cl == 3 && (cmd[0] == '4' || cmd[0] == '5') && !field_is(cmd, cl, "422")) { /* 422: no MOTD */
        st.errors++;
        if (c->state == C_HELLO) {
            st.register_failures++;
            fprintf(stderr, "registration refused: %.*s\n", (int)n, p);
        }
    } else {
        st.other++;
    }
}

/* IRC: whole lines are handled, a partial one is kept. */
static void feed_lines(conn_t *c, const unsigned char *data, size_t n, uint64_t t) {
    buf_t *b = &c->in;
    if (b->len > 0) {
        const unsigned char *nl = memchr(data, '\n', n);
        size_t take = nl != NULL ? (size_t)(nl - data) + 1 : n;
        buf_append(b, data, take);
        data += take;
        n -= take;
        if (nl == NULL) return;
        size_t ll = b->len - 1;
        const char *line = (const char *)b->data + b->off;
        if (ll > 0 && line[ll - 1] == '\r') ll--;
        handle_line(c, line, ll, t);
        if (c->state == C_CLOSED) return;
        b->len = 0;
        b->off = 0;
    }
    while (n > 0) {
        const unsigned char *nl = memchr(data, '\n', n);
        if (nl == NULL) break;
        size_t ll = (size_t)(nl - data);
        handle_line(c, (const char *)data, ll > 0 && data[ll - 1] == '\r' ? ll - 1 : ll, t);
        if (c->state == C_CLOSED) return;
        data = nl + 1;
        n -= ll + 1;
    }
    if (n > 0) buf_append(b, data, n);
}

/* Feed bytes read from c; whole frames are handled, a partial one is kept. */
static void feed(conn_t *c, const unsigned char *data, size_t n, uint64_t t) {
    if (opt.irc) {
        feed_lines(c, data, n, t);
        return;
    }
    if (c->in.len > 0) {
        buf_t *b = &c->in;
        if (b->len < FRAME_HEADER) {
            size_t take = FRAME_HEADER - b->len < n ? FRAME_HEADER - b->len : n;
            buf_append(b, data, take);
            data += take;
            n -= take;
            if (b->len < FRAME_HEADER) return;
        }
        uint32_t flen = be32(b->data + b->off);
        if (flen == 0 || flen > MAX_FRAME) {
            fprintf(stderr, "bad frame length %u from the server\n", flen);
            exit(3);
        }
        size_t need = FRAME_HEADER + flen - b->len;
        size_t take = need < n ? need : n;
        buf_append(b, data, take);
        data += take;
        n -= take;
        if (b->len < FRAME_HEADER + flen) return;
        handle_frame(c, (const char *)b->data + b->off + FRAME_HEADER, flen, t);
        if (c->state == C_CLOSED) return;
        b->len = 0;
        b->off = 0;
        if (b->cap > (1u << 16)) buf_free(b);
    }
    while (n >= FRAME_HEADER) {
        uint32_t flen = be32(data);
        if (flen == 0 || flen > MAX_FRAME) {
            fprintf(stderr, "bad frame length %u from the server\n", flen);
            exit(3);
        }
        if (n < FRAME_HEADER + (size_t)flen) break;
        handle_frame(c, (const char *)data + FRAME_HEADER, flen, t);
        if (c->state == C_CLOSED) return;
        data += FRAME_HEADER + flen;
        n -= FRAME_HEADER + flen;
    }
    if (n > 0) buf_append(&c->in, data, n);
}

static void on_readable(conn_t *c) {
    ssize_t r = read(c->fd, rbuf, RBUF_SIZE);
    if (r > 0) {
        uint64_t t = now_ns();
        st.bytes_in += (uint64_t)r;
        st.last_byte_ns = t;
        feed(c, rbuf, (size_t)r, t);
    } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        conn_close(c, true);
    }
}

static void on_event(uint32_t idx, uint32_t events) {
    conn_t *c = &conns[idx];
    if (c->state == C_CLOSED) return;
    if (c->state == C_CONNECTING) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            st.connect_failures++;
            conn_close(c, false);
            return;
        }
        send_hello(c);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
    if (c->state != C_CLOSED && (events & EPOLLOUT)) conn_flush(c);
}

/* ---------------------------------------------------------------- server sampling */

typedef struct {
    double cpu_s;
    long rss_kb;
    long hwm_kb;
} proc_sample_t;

static proc_sample_t sample_server(void) {
    proc_sample_t s = {-1, -1, -1};
    if (opt.server_pid <= 0) return s;
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", opt.server_pid);
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        if (fgets(line, sizeof line, f) != NULL) {
            char *p = strrchr(line, ')');
            unsigned long long ut = 0, stt = 0;
            /* after ") ": state(3) ... utime is field 14, stime 15 */
            if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stt) == 2)
                s.cpu_s = (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%d/status", opt.server_pid);
    f = fopen(path, "r");
    if (f != NULL) {
        while (fgets(line, sizeof line, f) != NULL) {
            if (strncmp(line, "VmRSS:", 6) == 0) s.rss_kb = atol(line + 6);
            if (strncmp(line, "VmHWM:", 6) == 0) s.hwm_kb = atol(line + 6);
        }
        fclose(f);
    }
    return s;
}

/* Busy CPU-seconds of the whole machine (every core), from /proc/stat. */
static double machine_busy_s(void) {
    FILE *f = fopen("/proc/stat", "r");
    if (f == NULL) return -1;
    unsigned long long v[10] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                   &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    if (n < 8) return -1;
    /* user nice system idle iowait irq softirq steal: busy = user + nice + system + steal.
     * irq and softirq are left out: loopback traffic is processed in softirq, and the
     * kernel does not charge that to the processes whose sockets it serves. */
    unsigned long long busy = v[0] + v[1] + v[2] + v[7];
    return (double)busy / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}


/* ---------------------------------------------------------------- sending */

static conn_t **senders, **dirty;
static int nsenders;
static bool sending;
static uint64_t t0, next_g;
static double interval_ns;
static char pad[4096];

static uint64_t sched_of(uint64_t g) { return t0 + (uint64_t)((double)g * interval_ns); }

/* Write every message whose scheduled time has come (one write per sender). */
static void send_due(void) {
    uint64_t now = now_ns();
    int ndirty = 0;
    char payload[4300];
    while (next_g < total_msgs) {
        uint64_t g = next_g;
        uint64_t sched = sched_of(g);
        if (sched > now) break;
        conn_t *c = senders[g % (uint64_t)nsenders];
        if (c->state == C_READY) {
            char head[96];
            int hl = snprintf(head, sizeof head, MARKER "%llu %llu %u ", (unsigned long long)g,
                              (unsigned long long)sched, c->idx);
            int padn = opt.text_size > hl ? opt.text_size - hl : 0;
            int n;
            char room[48] = "";
            if (opt.irc) {
                if (opt.rooms > 0)
                    n = snprintf(payload, sizeof payload, "PRIVMSG #r%u :%s%.*s\r\n", room_of(c->idx), head, padn, pad);
                else
                    n = snprintf(payload, sizeof payload, "PRIVMSG #bench :%s%.*s\r\n", head, padn, pad);
                buf_append(&c->out, payload, (size_t)n);
            } else {
                if (opt.rooms > 0) snprintf(room, sizeof room, ",\"room\":\"r%u\"", room_of(c->idx));
                if (opt.cid)
                    n = snprintf(payload, sizeof payload,
                                 "{\"type\":\"say\",\"text\":\"%s%.*s\",\"cid\":\"c%llu\"%s}", head, padn, pad,
                                 (unsigned long long)g, room);
                else
                    n = snprintf(payload, sizeof payload, "{\"type\":\"say\",\"text\":\"%s%.*s\"%s}", head, padn,
                                 pad, room);
                buf_frame(&c->out, payload, (size_t)n);
            }
            st.sent_receivers += receivers_of(c->idx);
            if (!c->queued_flush) {
                c->queued_flush = true;
                dirty[ndirty++] = c;
            }
            st.sent++;
            h_add(&lag, now - sched);
        }
        next_g++;
    }
    for (int i = 0; i < ndirty; i++) {
        dirty[i]->queued_flush = false;
        if (dirty[i]->state == C_READY) conn_flush(dirty[i]);
    }
}

/* Registered clients at each whole second of registration and presence. */
#define MAX_TIMELINE 3600
static int timeline[MAX_TIMELINE];
static int n_timeline;

static void mark_timeline(uint64_t t_start) {
    uint64_t now = now_ns();
    while (n_timeline < MAX_TIMELINE && now >= t_start + (uint64_t)(n_timeline + 1) * 1000000000ull)
        timeline[n_timeline++] = registered;
}

/* ---------------------------------------------------------------- main loop */

static int wait_events(struct epoll_event *evs, uint64_t timeout_ns) {
    struct timespec ts = {.tv_sec = (time_t)(timeout_ns / 1000000000ull), .tv_nsec = (long)(timeout_ns % 1000000000ull)};
    int n = epoll_pwait2(epfd, evs, MAX_EVENTS, &ts, NULL);
    if (n < 0 && errno == ENOSYS) {
        int ms = (int)((timeout_ns + 999999) / 1000000);
        n = epoll_wait(epfd, evs, MAX_EVENTS, timeout_ns < 1000000 ? 0 : ms);
    }
    if (n < 0 && errno != EINTR) die("epoll_wait");
    return n < 0 ? 0 : n;
}

static void poll_once(uint64_t timeout_ns) {
    static struct epoll_event evs[MAX_EVENTS];
    int n = wait_events(evs, timeout_ns);
    for (int i = 0; i < n; i++) {
        on_event(evs[i].data.u32, evs[i].events);
        /* a long batch of reads must not delay the schedule */
        if (sending && (i & 31) == 31) send_due();
    }
}

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen --port P [--clients C] [--senders S] [--rate R] [--duration D | --count N]\n"
            "  [--inflight N] [--text-size B] [--presence expect|none] [--no-cid] [--register-timeout-s T]\n"
            "  [--presence-timeout-s T] [--drain-timeout-s T] [--quiet-s T] [--settle-ms MS]\n"
            "  [--server-pid PID] [--prefix NAME] [--skip-send-on-timeout] [--proto parla|irc] [--rooms K]\n");
    exit(2);
}

static const char *status = "ok";

int main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"port", required_argument, 0, 'p'},
        {"clients", required_argument, 0, 'c'},
        {"senders", required_argument, 0, 's'},
        {"rate", required_argument, 0, 'r'},
        {"duration", required_argument, 0, 'd'},
        {"count", required_argument, 0, 'n'},
        {"inflight", required_argument, 0, 'i'},
        {"text-size", required_argument, 0, 'b'},
        {"presence", required_argument, 0, 'P'},
        {"no-cid", no_argument, 0, 'C'},
        {"skip-send-on-timeout", no_argument, 0, 'K'},
        {"register-timeout-s", required_argument, 0, 'R'},
        {"presence-timeout-s", required_argument, 0, 'T'},
        {"drain-timeout-s", required_argument, 0, 'D'},
        {"quiet-s", required_argument, 0, 'q'},
        {"settle-ms", required_argument, 0, 'S'},
        {"server-pid", required_argument, 0, 'k'},
        {"prefix", required_argument, 0, 'x'},
        {"proto", required_argument, 0, 'I'},
        {"rooms", required_argument, 0, 'M'},
        {0, 0, 0, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'p': opt.port = atoi(optarg); break;
        case 'c': opt.clients = atoi(optarg); break;
        case 's': opt.senders = atoi(optarg); break;
        case 'r': opt.rate = atof(optarg); break;
        case 'd': opt.duration = atof(optarg); break;
        case 'n': opt.count = atoll(optarg); break;
        case 'i': opt.inflight = atoi(optarg); break;
        case 'b': opt.text_size = atoi(optarg); break;
        case 'P': opt.presence = strcmp(optarg, "none") != 0; break;
        case 'C': opt.cid = false; break;
        case 'K': opt.skip_send_on_timeout = true; break;
        case 'R': opt.register_timeout = atof(optarg); break;
        case 'T': opt.presence_timeout = atof(optarg); break;
        case 'D': opt.drain_timeout = atof(optarg); break;
        case 'q': opt.quiet = atof(optarg); break;
        case 'S': opt.settle = atof(optarg) / 1000.0; break;
        case 'k': opt.server_pid = atoi(optarg); break;
        case 'x': opt.prefix = optarg; break;
        case 'M': opt.rooms = atoi(optarg); break;
        case 'I':
            if (strcmp(optarg, "irc") != 0 && strcmp(optarg, "parla") != 0) usage();
            opt.irc = strcmp(optarg, "irc") == 0;
            break;
        default: usage();
        }
    }
    if (opt.port <= 0 || opt.port > 65535 || opt.clients < 1 || opt.senders < 0 || opt.senders > opt.clients ||
        opt.rate <= 0 || opt.inflight < 1 || opt.text_size < 40 || opt.text_size > 4000 || opt.rooms < 0 ||
        opt.rooms > opt.clients)
        usage();
    signal(SIGPIPE, SIG_IGN);

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)opt.clients + 64) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)opt.clients + 16) {
            fprintf(stderr, "RLIMIT_NOFILE %llu is too low for %d clients\n", (unsigned long long)rl.rlim_cur,
                    opt.clients);
            return 2;
        }
    }

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    rbuf = malloc(RBUF_SIZE);
    conns = calloc((size_t)opt.clients, sizeof *conns);
    if (rbuf == NULL || conns == NULL) die("malloc");
    for (int i = 0; i < opt.clients; i++) {
        conns[i].idx = (uint32_t)i;
        conns[i].fd = -1;
    }
    total_msgs = opt.senders == 0 ? 0 : opt.count >= 0 ? (uint64_t)opt.count : (uint64_t)llround(opt.rate * opt.duration);
    recv_count = calloc(total_msgs ? total_msgs : 1, sizeof *recv_count);
    if (recv_count == NULL) die("calloc");
    room_receivers = calloc((size_t)(opt.rooms > 0 ? opt.rooms : 1), sizeof *room_receivers);
    if (room_receivers == NULL) die("calloc");

    double cpu_self0 = self_cpu_s();
    proc_sample_t s_idle = sample_server();
    double busy_start = machine_busy_s();

    /* 1. register */
    uint64_t t_reg0 = now_ns();
    uint64_t reg_deadline = t_reg0 + (uint64_t)(opt.register_timeout * 1e9);
    while (registered + (int)st.register_failures < opt.clients) {
        while (started < opt.clients && inflight < opt.inflight) conn_start(&conns[started]);
        if (started >= opt.clients && inflight == 0) break; /* failures only */
        if (now_ns() > reg_deadline) {
            status = "register_timeout";
            break;
        }
        poll_once(50000000ull);
        mark_timeline(t_reg0);
    }
    uint64_t t_registered = now_ns();

    /* 2. presence */
    uint64_t joined_expected = opt.presence ? (uint64_t)registered * (uint64_t)(registered - 1) / 2 : 0;
    if (opt.rooms > 0) {
        for (int i = 0; i < opt.clients; i++)
            if (conns[i].state == C_READY) room_receivers[room_of(conns[i].idx)]++;
        /* each member sees the later members' joins of its room; a Parla client also sees
         * everyone's arrival in general, an IRC client (in its channel only) does not */
        if (opt.presence) {
            joined_expected = opt.irc ? 0 : joined_expected;
            for (int r = 0; r < opt.rooms; r++)
                joined_expected += (uint64_t)room_receivers[r] * (room_receivers[r] ? room_receivers[r] - 1 : 0) / 2;
        }
        if (opt.irc)
            for (int r = 0; r < opt.rooms; r++)
                if (room_receivers[r] > 0) room_receivers[r]--;
    }
    uint64_t pres_deadline = t_registered + (uint64_t)(opt.presence_timeout * 1e9);
    while (st.joined < joined_expected) {
        if (now_ns() > pres_deadline) {
            if (strcmp(status, "ok") == 0) status = "presence_timeout";
            break;
        }
        poll_once(50000000ull);
        mark_timeline(t_reg0);
    }
    uint64_t t_presence = now_ns();
    proc_sample_t s_registered = sample_server();
    uint64_t settle_end = t_presence + (uint64_t)(opt.settle * 1e9);
    for (uint64_t t = now_ns(); t < settle_end; t = now_ns()) poll_once(settle_end - t);

    /* 3. send */
    senders = calloc((size_t)(opt.senders ? opt.senders : 1), sizeof *senders);
    dirty = calloc((size_t)(opt.senders ? opt.senders : 1), sizeof *dirty);
    for (int i = 0; i < opt.clients && nsenders < opt.senders; i++)
        if (conns[i].state == C_READY) senders[nsenders++] = &conns[i];
    if (nsenders == 0) total_msgs = 0;
    /* registration or presence did not finish: the server is still busy with them, so a
     * latency measured now would say little; report what happened and stop */
    if (opt.skip_send_on_timeout && strcmp(status, "ok") != 0) total_msgs = 0;
    /* an IRC server does not echo a message to its sender */
    receivers = (uint32_t)(opt.irc && alive > 0 ? alive - 1 : alive);
    uint64_t deliveries_before = st.deliveries;
    uint64_t joined_before_send = st.joined;
    memset(pad, 'x', sizeof pad);
    interval_ns = 1e9 / opt.rate;
    proc_sample_t s_send0 = sample_server();
    double cpu_self_send0 = self_cpu_s();
    double busy0 = machine_busy_s();
    t0 = now_ns() + 1000000ull; /* 1 ms ahead */
    sending = true;
    while (next_g < total_msgs) {
        send_due();
        if (next_g >= total_msgs) break;
        uint64_t next = sched_of(next_g);
        uint64_t now = now_ns();
        poll_once(next > now ? next - now : 0);
    }
    sending = false;
    uint64_t t_send_end = now_ns();

    /* 4. drain: until everything arrived, a quiet spell, or the deadline */
    uint64_t drain_deadline = t_send_end + (uint64_t)(opt.drain_timeout * 1e9);
    for (;;) {
        uint64_t rejected = st.err_rate_limited + st.err_other_say;
        uint64_t accepted = st.sent > rejected ? st.sent - rejected : 0;
        uint64_t expected = opt.rooms > 0 ? (st.sent ? st.sent_receivers * accepted / st.sent : 0)
                                          : accepted * (uint64_t)receivers;
        bool out_pending = false;
        for (int i = 0; i < nsenders; i++) out_pending |= senders[i]->state == C_READY && senders[i]->out.len > 0;
        if (st.deliveries - deliveries_before >= expected && !out_pending) break;
        uint64_t now = now_ns();
        if (now > drain_deadline) {
            if (strcmp(status, "ok") == 0) status = "drain_timeout";
            break;
        }
        uint64_t last = st.last_byte_ns > t_send_end ? st.last_byte_ns : t_send_end;
        if (now > last + (uint64_t)(opt.quiet * 1e9)) {
            if (strcmp(status, "ok") == 0) status = "quiet_timeout";
            break;
        }
        poll_once(20000000ull);
    }
    uint64_t t_end = now_ns();
    proc_sample_t s_end = sample_server();
    double cpu_self_end = self_cpu_s();
    double busy1 = machine_busy_s();

    /* report */
    uint64_t rejected = st.err_rate_limited + st.err_other_say;
    uint64_t expected = opt.rooms > 0 ? st.sent_receivers : st.sent * (uint64_t)receivers;
    uint64_t delivered = st.deliveries - deliveries_before;
    double active_s = st.last_delivery_ns > t0 ? (double)(st.last_delivery_ns - t0) / 1e9 : 0.0;
    double send_s = (double)(t_send_end - t0) / 1e9;
    double elapsed_s = (double)(t_end - t0) / 1e9;
    uint64_t complete_msgs = complete.n;
    double srv_cpu = (s_end.cpu_s >= 0 && s_send0.cpu_s >= 0) ? s_end.cpu_s - s_send0.cpu_s : -1;

    printf("{\"status\":\"%s\",", status);
    printf("\"config\":{\"port\":%d,\"clients\":%d,\"senders\":%d,\"rate\":%.1f,\"duration_s\":%.3f,\"count\":%llu,"
           "\"inflight\":%d,\"text_size\":%d,\"presence\":%s,\"cid\":%s,\"rooms\":%d},",
           opt.port, opt.clients, nsenders, opt.rate, opt.duration, (unsigned long long)total_msgs, opt.inflight,
           opt.text_size, opt.presence ? "true" : "false", opt.cid ? "true" : "false", opt.rooms);
    printf("\"registered\":%d,\"connect_failures\":%llu,\"register_failures\":%llu,\"closed_by_server\":%llu,",
           registered, (unsigned long long)st.connect_failures, (unsigned long long)st.register_failures,
           (unsigned long long)st.closed_by_server);
    printf("\"register_s\":%.4f,\"presence_s\":%.4f,\"joined\":%llu,\"joined_expected\":%llu,"
           "\"joined_during_send\":%llu,",
           (double)(t_registered - t_reg0) / 1e9, (double)(t_presence - t_reg0) / 1e9,
           (unsigned long long)st.joined, (unsigned long long)joined_expected,
           (unsigned long long)(st.joined - joined_before_send));
    printf("\"receivers\":%u,\"sent\":%llu,\"accepted\":%llu,\"echoes\":%llu,\"rejected\":%llu,\"rate_limited\":%llu,",
           receivers, (unsigned long long)st.sent, (unsigned long long)(st.sent - rejected),
           (unsigned long long)st.echoes, (unsigned long long)rejected, (unsigned long long)st.err_rate_limited);
    printf("\"deliveries\":%llu,\"expected_deliveries\":%llu,\"lost_deliveries\":%lld,\"history_frames\":%llu,",
           (unsigned long long)delivered, (unsigned long long)expected,
           (long long)expected - (long long)delivered, (unsigned long long)st.history);
    printf("\"pings\":%llu,", (unsigned long long)st.pings);
    printf("\"left\":%llu,\"left_send_queue\":%llu,\"errors\":%llu,\"fatal_errors\":%llu,\"other_frames\":%llu,"
           "\"frames\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,",
           (unsigned long long)st.left, (unsigned long long)st.left_send_queue, (unsigned long long)st.errors,
           (unsigned long long)st.err_fatal, (unsigned long long)st.other, (unsigned long long)st.frames,
           (unsigned long long)st.bytes_in, (unsigned long long)st.bytes_out);
    printf("\"send_s\":%.4f,\"elapsed_s\":%.4f,\"active_s\":%.4f,", send_s, elapsed_s, active_s);
    printf("\"offered_msgs_per_s\":%.1f,\"sent_msgs_per_s\":%.1f,\"deliveries_per_s\":%.1f,",
           opt.rate, send_s > 0 ? (double)st.sent / send_s : 0.0, active_s > 0 ? (double)delivered / active_s : 0.0);
    printf("\"complete_messages\":%llu,", (unsigned long long)complete_msgs);
    h_print("latency_ms", &lat);
    printf(",");
    h_print("broadcast_ms", &complete);
    printf(",");
    h_print("send_lag_ms", &lag);
    printf(",\"server\":{\"pid\":%d,\"cpu_s\":%.3f,\"cpu_pct\":%.1f,\"cpu_register_s\":%.3f,"
           "\"rss_kb_idle\":%ld,\"rss_kb_registered\":%ld,\"rss_kb_end\":%ld,\"hwm_kb\":%ld},",
           opt.server_pid, srv_cpu, srv_cpu >= 0 && elapsed_s > 0 ? 100.0 * srv_cpu / elapsed_s : -1.0,
           (s_registered.cpu_s >= 0 && s_idle.cpu_s >= 0) ? s_registered.cpu_s - s_idle.cpu_s : -1.0, s_idle.rss_kb,
           s_registered.rss_kb, s_end.rss_kb, s_end.hwm_kb);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("\"loadgen\":{\"cpu_s\":%.3f,\"cpu_pct_send\":%.1f,\"maxrss_kb\":%ld},", cpu_self_end - cpu_self0,
           elapsed_s > 0 ? 100.0 * (cpu_self_end - cpu_self_send0) / elapsed_s : 0.0, ru.ru_maxrss);
    /* CPU used by anything but the server and the generator (other programs, kernel
     * threads), over the whole run: above a few percent of a core, the run was disturbed. */
    double run_s = (double)(t_end - t_reg0) / 1e9;
    double srv_all = (s_end.cpu_s >= 0 && s_idle.cpu_s >= 0) ? s_end.cpu_s - s_idle.cpu_s : -1;
    double other = (busy_start >= 0 && busy1 >= 0 && srv_all >= 0)
                       ? (busy1 - busy_start) - srv_all - (cpu_self_end - cpu_self0)
                       : -1;
    (void)busy0;
    printf("\"other_cpu_pct\":%.1f,", other >= 0 && run_s > 0 ? 100.0 * other / run_s : 0.0);
    printf("\"registered_by_s\":[");
    for (int i = 0; i < n_timeline; i++) printf("%s%d", i ? "," : "", timeline[i]);
    printf("]}\n");
    fflush(stdout);
    for (int i = 0; i < opt.clients; i++)
        if (conns[i].state != C_CLOSED && conns[i].fd >= 0) close(conns[i].fd);
    return 0;
}
