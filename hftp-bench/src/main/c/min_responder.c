/*
 * The ceiling for small HFTP requests on this machine: a single-threaded epoll responder that does
 * only the essential work of `get_metadata NAME` (a fresh fstatat of the name in the served
 * directory per request) and `quit`, answering pipelined requests in order with one write per
 * read. No limits, no checks beyond the name's form: it is a yardstick, not a server.
 *
 *   cc -O2 -o min_responder min_responder.c && ./min_responder PORT DIR
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUF 65536

struct conn { int fd; size_t have; char in[BUF]; };

static int dirfd_root;

static size_t answer(const char *line, size_t len, char *out) {
    static const char nf[] = "202 FILE NOT FOUND\r\n";
    if (len > 13 && memcmp(line, "get_metadata ", 13) == 0 && len - 13 < 256) {
        char name[256];
        memcpy(name, line + 13, len - 13);
        name[len - 13] = 0;
        struct stat st;
        if (strchr(name, '/') == NULL && fstatat(dirfd_root, name, &st, AT_SYMLINK_NOFOLLOW) == 0
                && S_ISREG(st.st_mode)) {
            return (size_t) sprintf(out, "0 OK\r\n%lld\r\n", (long long) st.st_size);
        }
        memcpy(out, nf, sizeof nf - 1);
        return sizeof nf - 1;
    }
    if (len == 4 && memcmp(line, "quit", 4) == 0) {
        memcpy(out, "0 OK\r\n", 6);
        return 6;
    }
    memcpy(out, "200 NO SUCH COMMAND\r\n", 21);
    return 21;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    dirfd_root = open(argv[2], O_RDONLY | O_DIRECTORY);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (dirfd_root < 0 || bind(ls, (struct sockaddr *) &a, sizeof a) != 0 || listen(ls, 4096) != 0) {
        perror("min_responder");
        return 1;
    }
    socklen_t alen = sizeof a;
    getsockname(ls, (struct sockaddr *) &a, &alen);
    printf("min_responder started on 127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static char out[BUF * 4];
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event e = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
                }
                continue;
            }
            ssize_t r = read(c->fd, c->in + c->have, BUF - c->have);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                close(c->fd);
                free(c);
                continue;
            }
            c->have += (size_t) r;
            size_t start = 0, o = 0;
            int quit = 0;
            for (size_t k = 0; k < c->have; k++) {
                if (c->in[k] == '\n') {
                    size_t len = k - start;
                    if (len > 0 && c->in[k - 1] == '\r') len--;
                    o += answer(c->in + start, len, out + o);
                    quit |= len == 4 && memcmp(c->in + start, "quit", 4) == 0;
                    start = k + 1;
                    if (quit) break;
                }
            }
            memmove(c->in, c->in + start, c->have - start);
            c->have -= start;
            for (size_t w = 0; w < o;) {
                ssize_t k = write(c->fd, out + w, o - w);
                if (k < 0 && errno != EAGAIN) break;
                if (k > 0) w += (size_t) k;
            }
            if (quit || c->have == BUF) {
                close(c->fd);
                free(c);
            }
        }
    }
}
