/*
 * The ceiling for downloads on this machine: fetches a file with raw get_slice over N connections,
 * one thread and one slice each, and writes every received piece at its place in the output file
 * (read, then pwrite): only the essential work of a downloader, with no checks, no resume record,
 * no retries. Prints one line: bytes, seconds, MiB/s, and this process's CPU (user, system, ms per
 * GiB). Exits 1 on any failure, 2 on bad usage.
 *
 *   cc -O2 -pthread -o min_fetch min_fetch.c
 *   ./min_fetch -p PORT -f NAME -s SIZE [-c CONNECTIONS] [-H 127.0.0.1] -o OUTPUT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF (1 << 20)

static struct sockaddr_in server;
static const char *name;
static int out;

struct part { long long start, len; int failed; pthread_t thread; };

static void *fetch(void *arg) {
    struct part *p = arg;
    p->failed = 1;
    char *buf = NULL;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *) &server, sizeof server) != 0) {
        perror("connect");
        goto done;
    }
    buf = malloc(BUF);
    if (buf == NULL) {
        perror("malloc");
        goto done;
    }
    int n = snprintf(buf, BUF, "get_slice %s %lld %lld raw\r\n", name, p->start, p->len);
    if (write(s, buf, n) != n) {
        perror("write");
        goto done;
    }
    /* The header: "0 OK\r\nContent-Length: LEN\r\n\r\n"; body bytes read with it are kept. Any
       other status line is a refusal, and the server keeps the connection open after it. */
    size_t have = 0;
    char *end = NULL;
    while (end == NULL) {
        ssize_t r = read(s, buf + have, BUF - 1 - have);
        if (r <= 0) {
            fprintf(stderr, "short header\n");
            goto done;
        }
        have += r;
        buf[have] = 0;
        char *eol = strstr(buf, "\r\n");
        if (eol != NULL && strncmp(buf, "0 OK\r\n", 6) != 0) {
            fprintf(stderr, "refused: %.*s\n", (int) (eol - buf), buf);
            goto done;
        }
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head = (size_t) (end + 4 - buf);
    long long at = p->start, left = p->len;
    size_t body = have - head;
    if (body > 0 && pwrite(out, buf + head, body, at) != (ssize_t) body) {
        perror("pwrite");
        goto done;
    }
    at += body;
    left -= body;
    while (left > 0) {
        ssize_t r = read(s, buf, left < BUF ? (size_t) left : BUF);
        if (r <= 0) {
            fprintf(stderr, "short body: %lld bytes missing\n", left);
            goto done;
        }
        if (pwrite(out, buf, r, at) != r) {
            perror("pwrite");
            goto done;
        }
        at += r;
        left -= r;
    }
    p->failed = 0;
done: /* every path, so that a failed part leaves nothing open */
    if (s >= 0) close(s);
    free(buf);
    return NULL;
}

static double ms(struct timeval t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; }

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *output = NULL;
    int port = 0, connections = 1;
    long long size = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-p") == 0) port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-f") == 0) name = argv[i + 1];
        else if (strcmp(argv[i], "-s") == 0) size = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "-c") == 0) connections = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-H") == 0) host = argv[i + 1];
        else if (strcmp(argv[i], "-o") == 0) output = argv[i + 1];
        else argc = 0;
    }
    if (argc % 2 != 1 || port < 1 || port > 65535 || name == NULL || size < 0 || output == NULL
            || connections < 1 || connections > 256) {
        fprintf(stderr, "usage: %s -p PORT -f NAME -s SIZE [-c CONNECTIONS] [-H ADDRESS] -o OUTPUT\n",
                argv[0] ? argv[0] : "min_fetch");
        return 2;
    }
    server.sin_family = AF_INET;
    server.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &server.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", host);
        return 2;
    }
    out = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        perror(output);
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct part parts[256];
    long long each = (size + connections - 1) / connections;
    for (int i = 0; i < connections; i++) {
        parts[i].start = i * each < size ? i * each : size;
        parts[i].len = parts[i].start + each < size ? each : size - parts[i].start;
        pthread_create(&parts[i].thread, NULL, fetch, &parts[i]);
    }
    int failed = 0;
    for (int i = 0; i < connections; i++) {
        pthread_join(parts[i].thread, NULL);
        failed |= parts[i].failed;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(out);
    if (failed) return 1;
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double gib = size / (1024.0 * 1024 * 1024);
    printf("min_fetch %lld bytes over %d connections in %.3f s: %.1f MiB/s; CPU user %.0f ms, system %.0f ms,"
           " %.0f ms/GiB\n",
           size, connections, secs, size / secs / (1024 * 1024), ms(ru.ru_utime), ms(ru.ru_stime),
           gib > 0 ? (ms(ru.ru_utime) + ms(ru.ru_stime)) / gib : 0.0);
    return 0;
}
