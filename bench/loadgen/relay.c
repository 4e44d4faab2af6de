/*
 * The trivial relay: the fastest "server" the load generator can be pointed at, to
 * show the generator's own ceiling. It understands framing and nothing else:
 *
 *   - a client's first frame (its hello) is answered with a canned `welcome`;
 *   - every later frame is relayed as is, to every registered client, sender included
 *     (the sender's copy plays the part of the echo);
 *   - what one epoll pass reads is written to each client in one write().
 *
 *   relay [--port P]     prints "listening on 127.0.0.1:PORT" first; stops on SIGTERM.
 *
 * Listens on 127.0.0.1 only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define RBUF_SIZE (1u << 18)
#define MAX_EVENTS 1024
#define OUT_LIMIT (256u * 1024u * 1024u)

typedef struct {
    int fd;
    bool used, registered, epollout;
    buf_t in;
    buf_t out;
} client_t;

static client_t *clients;
static int nclients_cap;
static int hi_fd; /* one past the highest client fd in use */
static int epfd;
static volatile sig_atomic_t stop;
static const char WELCOME[] =
    "{\"type\":\"welcome\",\"name\":\"relay\",\"users\":[],\"server\":\"relay\",\"motd\":\"\",\"last_id\":0}";

static void on_term(int sig) {
    (void)sig;
    stop = 1;
}

static void set_out(client_t *c, int idx) {
    bool want = c->out.len > 0;
    if (want == c->epollout) return;
    c->epollout = want;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u32 = (uint32_t)idx};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void drop(client_t *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    buf_free(&c->in);
    buf_free(&c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static void flush_out(client_t *c, int idx) {
    while (c->out.len > 0) {
        ssize_t w = write(c->fd, c->out.data + c->out.off, c->out.len);
        if (w > 0) {
            buf_consume(&c->out, (size_t)w);
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            drop(c);
            return;
        }
    }
    set_out(c, idx);
}

/* Write `data` to c now, queueing what the kernel does not take. */
static void send_to(client_t *c, int idx, const unsigned char *data, size_t n) {
    if (c->out.len == 0) {
        while (n > 0) {
            ssize_t w = write(c->fd, data, n);
            if (w > 0) {
                data += w;
                n -= (size_t)w;
            } else if (w < 0 && errno == EINTR) {
                continue;
            } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else {
                drop(c);
                return;
            }
        }
    }
    if (n > 0) {
        if (c->out.len + n > OUT_LIMIT) {
            drop(c);
            return;
        }
        buf_append(&c->out, data, n);
        set_out(c, idx);
    }
}

int main(int argc, char **argv) {
    int port = 0;
    static const struct option longopts[] = {{"port", required_argument, 0, 'p'}, {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (ch == 'p')
            port = atoi(optarg);
        else {
            fprintf(stderr, "usage: relay [--port P]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa_term = {.sa_handler = on_term};
    sigaction(SIGTERM, &sa_term, NULL);
    sigaction(SIGINT, &sa_term, NULL);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    nclients_cap = (int)(rl.rlim_cur > 1048576 ? 1048576 : rl.rlim_cur);
    clients = calloc((size_t)nclients_cap, sizeof *clients);
    unsigned char *rbuf = malloc(RBUF_SIZE);
    buf_t pass = {0};
    if (clients == NULL || rbuf == NULL) die("malloc");

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
    if (listen(lfd, 4096) < 0) die("listen");
    socklen_t slen = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &slen);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);
    printf("listening on 127.0.0.1:%d\n", ntohs(sa.sin_port));
    fflush(stdout);

    unsigned char welcome[sizeof WELCOME + FRAME_HEADER];
    put_be32(welcome, (uint32_t)(sizeof WELCOME - 1));
    memcpy(welcome + FRAME_HEADER, WELCOME, sizeof WELCOME - 1);
    size_t welcome_len = FRAME_HEADER + sizeof WELCOME - 1;

    static struct epoll_event evs[MAX_EVENTS];
    while (!stop) {
        int n = epoll_wait(epfd, evs, MAX_EVENTS, 200);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        pass.len = 0;
        pass.off = 0;
        for (int i = 0; i < n; i++) {
            uint32_t id = evs[i].data.u32;
            if (id == UINT32_MAX) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break;
                    if (fd >= nclients_cap) {
                        close(fd);
                        continue;
                    }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    client_t *c = &clients[fd];
                    memset(c, 0, sizeof *c);
                    c->fd = fd;
                    c->used = true;
                    if (fd + 1 > hi_fd) hi_fd = fd + 1;
                    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)fd};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            client_t *c = &clients[id];
            if (!c->used) continue;
            if (evs[i].events & EPOLLOUT) {
                flush_out(c, (int)id);
                if (!c->used) continue;
            }
            if (!(evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            ssize_t r = read(c->fd, rbuf, RBUF_SIZE);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                drop(c);
                continue;
            }
            if (r < 0) continue;
            buf_append(&c->in, rbuf, (size_t)r);
            /* whole frames only: the first is the hello, the rest go to the pass */
            size_t pos = 0;
            const unsigned char *d = c->in.data + c->in.off;
            while (c->in.len - pos >= FRAME_HEADER) {
                uint32_t flen = be32(d + pos);
                if (flen == 0 || flen > MAX_FRAME) {
                    drop(c);
                    break;
                }
                if (c->in.len - pos < FRAME_HEADER + flen) break;
                if (!c->registered) {
                    c->registered = true;
                    send_to(c, (int)id, welcome, welcome_len);
                    if (!c->used) break;
                } else {
                    buf_append(&pass, d + pos, FRAME_HEADER + flen);
                }
                pos += FRAME_HEADER + flen;
            }
            if (c->used) buf_consume(&c->in, pos);
        }
        if (pass.len > 0) {
            for (int fd = 0; fd < hi_fd; fd++) {
                client_t *c = &clients[fd];
                if (c->used && c->registered) send_to(c, fd, pass.data + pass.off, pass.len);
            }
        }
    }
    return 0;
}
