/*
 * A load generator for small HFTP requests that takes as little of the machine as it can, so
 * that on a machine with few cores the servers it compares get the CPU rather than the
 * generator: single-threaded epoll, CONNS connections each keeping DEPTH copies of REQUEST in
 * flight, the requests that replace a read's worth of replies sent in one write. It counts
 * replies (a status line, then after `0 OK` the one line `get_metadata` answers), their latency
 * from the write of their request, and the CPU time of itself and of the server (by pid, from
 * /proc) over the measured window. It prints one CSV row in the columns of the Java load
 * generator (`hftp-bench load csv-header`) so that run-compare.sh treats both alike, and a
 * summary line on stderr.
 *
 *   cc -O2 -o min_loadgen min_loadgen.c
 *   ./min_loadgen -p PORT [-c 16] [-D 1] [-r "get_metadata small"] [-w 8] [-t 4] [-s SERVER_PID]
 *                 [-l LABEL] [-m rate|conns] [-d CONNECT_DEADLINE_S]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_BUF 65536
#define MAX_DEPTH 1024
#define CONNECT_BURST 256
#define HIST_US 1000000 /* latencies counted to the microsecond up to 1 s, the rest in the last slot */

struct conn {
    int fd;
    int connecting;    /* connect() issued, outcome not yet seen */
    int open;          /* connected and not closed */
    int want_out;      /* EPOLLOUT registered */
    int in_body;       /* a `0 OK` was read; its value line comes next */
    unsigned head;     /* ring of send times of the requests in flight */
    unsigned inflight;
    uint64_t *sent_ns;
    size_t out_len, out_off;
    char *out;
    size_t have;
    char in[IN_BUF];
};

static uint32_t hist[HIST_US + 1];
static uint64_t hist_count, hist_max_us;
static uint64_t replies, failures, closes;
static int depth = 1;
static const char *request = "get_metadata small";
static size_t req_len;
static int ep;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t self_cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t) ru.ru_utime.tv_sec + (uint64_t) ru.ru_stime.tv_sec) * 1000000000u
            + ((uint64_t) ru.ru_utime.tv_usec + (uint64_t) ru.ru_stime.tv_usec) * 1000u;
}

/* User plus system CPU time of a process, from /proc/PID/stat (USER_HZ ticks), or -1. */
static int64_t proc_cpu_ns(long pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    unsigned long long ut, st;
    /* fields after the command name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
       cmajflt utime stime */
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (int64_t) ((ut + st) * (1000000000u / (unsigned long long) sysconf(_SC_CLK_TCK)));
}

/* A field of /proc/PID/status in KiB (VmRSS, VmHWM), or -1. */
static long proc_status_kib(long pid, const char *field) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    long v = -1;
    size_t fl = strlen(field);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
            v = atol(line + fl + 1);
            break;
        }
    }
    fclose(f);
    return v;
}

static void watch(struct conn *c, int out) {
    struct epoll_event e = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
    c->want_out = out;
}

static void drop(struct conn *c) {
    if (!c->open) return;
    c->open = 0;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
}

/* Writes what is queued; the rest waits for EPOLLOUT. */
static void flush_out(struct conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t k = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (k < 0) {
            if (errno == EAGAIN) break;
            closes++;
            drop(c);
            return;
        }
        c->out_off += (size_t) k;
    }
    if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
    if ((c->out_len != 0) != c->want_out) watch(c, c->out_len != 0);
}

/* Queues n more copies of the request, stamped with the time t. */
static void send_requests(struct conn *c, unsigned n, uint64_t t) {
    for (unsigned i = 0; i < n; i++) {
        memcpy(c->out + c->out_len, request, req_len);
        c->out_len += req_len;
        c->sent_ns[(c->head + c->inflight) % (unsigned) depth] = t;
        c->inflight++;
    }
}

static void reply_done(struct conn *c, uint64_t t, int ok) {
    uint64_t us = (t - c->sent_ns[c->head]) / 1000u;
    c->head = (c->head + 1) % (unsigned) depth;
    c->inflight--;
    hist[us < HIST_US ? us : HIST_US]++;
    hist_count++;
    if (us > hist_max_us) hist_max_us = us;
    replies++;
    if (!ok) failures++;
}

static void on_readable(struct conn *c, uint64_t t) {
    ssize_t r = read(c->fd, c->in + c->have, IN_BUF - c->have);
    if (r <= 0) {
        if (r < 0 && errno == EAGAIN) return;
        closes++;
        drop(c);
        return;
    }
    c->have += (size_t) r;
    size_t start = 0;
    unsigned done = 0;
    char *nl;
    while ((nl = memchr(c->in + start, '\n', c->have - start)) != NULL) {
        size_t end = (size_t) (nl - c->in);
        if (c->inflight == 0) { /* a line nobody asked for: the server is wrong, stop using it */
            closes++;
            drop(c);
            return;
        }
        if (c->in_body) {
            c->in_body = 0;
            reply_done(c, t, 1);
            done++;
        } else if (end - start >= 4 && memcmp(c->in + start, "0 OK", 4) == 0) {
            c->in_body = 1;
        } else {
            reply_done(c, t, 0); /* an error status: the reply is that line */
            done++;
        }
        start = end + 1;
    }
    memmove(c->in, c->in + start, c->have - start);
    c->have -= start;
    if (c->have == IN_BUF) { /* a line longer than the buffer */
        closes++;
        drop(c);
        return;
    }
    if (done > 0) {
        send_requests(c, done, t);
        flush_out(c);
    }
}

static double percentile_us(double p) {
    if (hist_count == 0) return -1;
    uint64_t rank = (uint64_t) (p / 100.0 * (double) hist_count + 0.5);
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (uint64_t i = 0; i <= HIST_US; i++) {
        seen += hist[i];
        if (seen >= rank) return (double) i;
    }
    return (double) hist_max_us;
}

/* Starts connecting c; returns 1 if the attempt is under way, 0 if it failed at once. */
static int start_connect(struct conn *c, const struct sockaddr_in *a) {
    int one = 1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) return 0;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (const struct sockaddr *) a, sizeof *a) != 0 && errno != EINPROGRESS) {
        close(c->fd);
        return 0;
    }
    struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
    c->want_out = 1;
    c->connecting = 1;
    return 1;
}

int main(int argc, char **argv) {
    int port = 0, conns = 16;
    double warmup_s = 8, duration_s = 4, deadline_s = 20;
    long server_pid = -1;
    const char *label = "c", *mode = "rate";
    int opt;
    while ((opt = getopt(argc, argv, "p:c:D:r:w:t:s:l:m:d:")) != -1) {
        switch (opt) {
            case 'p': port = atoi(optarg); break;
            case 'c': conns = atoi(optarg); break;
            case 'D': depth = atoi(optarg); break;
            case 'r': request = optarg; break;
            case 'w': warmup_s = atof(optarg); break;
            case 't': duration_s = atof(optarg); break;
            case 's': server_pid = atol(optarg); break;
            case 'l': label = optarg; break;
            case 'm': mode = optarg; break;
            case 'd': deadline_s = atof(optarg); break;
            default: port = -1;
        }
    }
    if (port <= 0 || port > 65535 || conns < 1 || depth < 1 || depth > MAX_DEPTH || duration_s <= 0
            || strncmp(request, "get_metadata ", 13) != 0) {
        fprintf(stderr, "usage: %s -p PORT [-c CONNS] [-D DEPTH 1..%d] [-r 'get_metadata NAME'] [-w WARMUP_S]"
                " [-t DURATION_S] [-s SERVER_PID] [-l LABEL] [-m MODE] [-d CONNECT_DEADLINE_S]\n", argv[0], MAX_DEPTH);
        return 2;
    }
    char *line = malloc(strlen(request) + 3);
    req_len = (size_t) sprintf(line, "%s\r\n", request);
    const char *shown = request;
    request = line;

    ep = epoll_create1(0);
    struct conn *cs = calloc((size_t) conns, sizeof *cs);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int pending = 0, next = 0;
    uint64_t t0 = now_ns();
    for (int i = 0; i < conns; i++) {
        cs[i].sent_ns = calloc((size_t) depth, sizeof *cs[i].sent_ns);
        cs[i].out = malloc((size_t) depth * req_len);
    }
    /* At most CONNECT_BURST attempts in flight, as the Java generator's --connect-burst: thousands
       at once overflow the server's accept queue, and the connections the kernel dropped from it
       are reset later, in the middle of the measurement. */
    while (next < conns && pending < CONNECT_BURST) pending += start_connect(&cs[next++], &a);
    /* Connect: a connection starts its requests as soon as it is open. */
    int connected = 0;
    struct epoll_event evs[512];
    uint64_t deadline = t0 + (uint64_t) (deadline_s * 1e9);
    while (pending > 0 && now_ns() < deadline) {
        int n = epoll_wait(ep, evs, 512, 100);
        uint64_t t = now_ns();
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->connecting) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                pending--;
                c->connecting = 0;
                while (next < conns && pending < CONNECT_BURST) pending += start_connect(&cs[next++], &a);
                if (err != 0) {
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    close(c->fd);
                    continue;
                }
                c->open = 1;
                connected++;
                watch(c, 0);
                send_requests(c, (unsigned) depth, t);
                flush_out(c);
                continue;
            }
            if (!c->open) continue;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c, t);
            if (c->open && (evs[i].events & EPOLLOUT)) flush_out(c);
        }
    }
    for (int i = 0; i < conns; i++) { /* those not open by the deadline are left out */
        if (cs[i].connecting) {
            epoll_ctl(ep, EPOLL_CTL_DEL, cs[i].fd, NULL);
            close(cs[i].fd);
            cs[i].connecting = 0;
        }
    }
    uint64_t connect_ms = (now_ns() - t0) / 1000000u;

    /* Warm up, then measure. */
    uint64_t start = now_ns(), measure_at = start + (uint64_t) (warmup_s * 1e9);
    uint64_t end = measure_at + (uint64_t) (duration_s * 1e9);
    int measuring = 0;
    uint64_t self0 = 0, wall0 = 0;
    int64_t server0 = -1;
    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && t >= measure_at) {
            memset(hist, 0, sizeof hist);
            hist_count = hist_max_us = replies = failures = closes = 0;
            self0 = self_cpu_ns();
            server0 = server_pid > 0 ? proc_cpu_ns(server_pid) : -1;
            wall0 = t;
            measuring = 1;
        }
        if (measuring && t >= end) break;
        int n = epoll_wait(ep, evs, 512, 50);
        t = now_ns();
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c->open) continue;
            if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c, t);
            if (c->open && (evs[i].events & EPOLLOUT)) flush_out(c);
        }
    }
    uint64_t wall = now_ns() - wall0;
    uint64_t self = self_cpu_ns() - self0;
    int64_t server1 = server_pid > 0 ? proc_cpu_ns(server_pid) : -1;
    long rss = server_pid > 0 ? proc_status_kib(server_pid, "VmRSS") : -1;
    long hwm = server_pid > 0 ? proc_status_kib(server_pid, "VmHWM") : -1;
    double secs = (double) wall / 1e9;
    double server_pct = server0 >= 0 && server1 >= 0 ? (double) (server1 - server0) / 1e9 / secs * 100 : -1;
    double gen_pct = (double) self / 1e9 / secs * 100;
    double gen_us = replies ? (double) self / 1e3 / (double) replies : -1;
    printf("%s,%s,%d,%d,%s,c,epoll,1,%d,%llu,%.2f,%llu,%.2f,0,%.0f,%.0f,%.0f,%llu,%llu,%llu,%.2f,%.2f,-1,%.2f,%.2f,%.2f,-1\n",
           label, mode, conns, depth, shown, connected, (unsigned long long) connect_ms, secs,
           (unsigned long long) replies, (double) replies / secs, percentile_us(50), percentile_us(99),
           percentile_us(99.9), (unsigned long long) hist_max_us, (unsigned long long) failures,
           (unsigned long long) closes, gen_pct, gen_us, server_pct, rss < 0 ? -1.0 : rss / 1024.0,
           hwm < 0 ? -1.0 : hwm / 1024.0);
    fprintf(stderr, "%s %d connections x depth %d, %.2f s: %.0f replies/s, p50 %.0f us, p99 %.0f us, "
            "failures %llu, closes %llu, generator CPU %.0f %% (%.2f us/reply), server CPU %.0f %%\n",
            label, connected, depth, secs, (double) replies / secs, percentile_us(50), percentile_us(99),
            (unsigned long long) failures, (unsigned long long) closes, gen_pct, gen_us, server_pct);
    return connected == 0 || replies == 0;
}
