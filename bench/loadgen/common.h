/* Shared helpers of the load generator and the trivial relay: clock, buffers, frames. */
#ifndef PARLA_BENCH_COMMON_H
#define PARLA_BENCH_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAME_HEADER 4u
#define MAX_FRAME (16u * 1024u * 1024u) /* the client-side limit of PROTOCOL.md's appendix */

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint32_t be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static inline void die(const char *what) {
    fprintf(stderr, "fatal: %s: %s\n", what, strerror(errno));
    exit(2);
}

static inline void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (q == NULL && n != 0) die("realloc");
    return q;
}

/* A byte buffer with a consumed prefix: append at the end, take from the front. */
typedef struct {
    unsigned char *data;
    size_t len; /* bytes held, from data[off] */
    size_t off;
    size_t cap;
} buf_t;

static inline void buf_reserve(buf_t *b, size_t extra) {
    if (b->off > 0 && b->off + b->len + extra > b->cap) {
        memmove(b->data, b->data + b->off, b->len);
        b->off = 0;
    }
    if (b->off + b->len + extra > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + extra) cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
}

static inline void buf_append(buf_t *b, const void *src, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->off + b->len, src, n);
    b->len += n;
}

static inline void buf_consume(buf_t *b, size_t n) {
    b->off += n;
    b->len -= n;
    if (b->len == 0) b->off = 0;
}

static inline void buf_free(buf_t *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Append one frame (header + payload) holding `payload`. */
static inline void buf_frame(buf_t *b, const char *payload, size_t n) {
    unsigned char hdr[FRAME_HEADER];
    put_be32(hdr, (uint32_t)n);
    buf_append(b, hdr, FRAME_HEADER);
    buf_append(b, payload, n);
}

/* The string value of "key" in a flat JSON object, tolerant of spaces after ':'
 * (Python's json.dumps default). Returns a pointer into `p` and its length, or NULL. */
static inline const char *json_str_field(const char *p, size_t n, const char *key, size_t *out_len) {
    size_t klen = strlen(key);
    const char *end = p + n;
    const char *s = p;
    while (s < end) {
        const char *hit = memmem(s, (size_t)(end - s), key, klen);
        if (hit == NULL) return NULL;
        const char *q = hit + klen;
        if (hit > p && hit[-1] == '"' && q < end && *q == '"') {
            q++;
            while (q < end && (*q == ' ' || *q == '\t')) q++;
            if (q < end && *q == ':') {
                q++;
                while (q < end && (*q == ' ' || *q == '\t')) q++;
                if (q < end && *q == '"') {
                    q++;
                    const char *v = q;
                    while (q < end && *q != '"') {
                        if (*q == '\\' && q + 1 < end) q++;
                        q++;
                    }
                    *out_len = (size_t)(q - v);
                    return v;
                }
            }
        }
        s = hit + klen;
    }
    return NULL;
}

#endif
