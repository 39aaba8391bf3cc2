// The throughput floor for bench/throughput.sh: the least a one-direction relay can do.
// `relay -l` listens on 127.0.0.1 port 0, prints "Listening on 127.0.0.1 PORT" on stderr,
// accepts one connection and copies it to stdout until end of stream. `relay PORT` dials
// 127.0.0.1:PORT and copies stdin to the socket (stdin's pipe grown to 1 MiB first), then
// half-closes and waits for the peer's end, as `-N` does. 1 MiB read/write, blocking, no poll.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { chunk = 1 << 20 };
static char buffer[chunk];

static void die(const char *what) { perror(what); exit(1); }

// Copies `from` to `to` until end of stream; exits on an error.
static void copy(int from, int to) {
    for (;;) {
        ssize_t n = read(from, buffer, chunk);
        if (n == 0) return;
        if (n < 0) die("read");
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(to, buffer + off, (size_t)(n - off));
            if (w <= 0) die("write");
            off += w;
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: relay -l | relay PORT\n");
        return 2;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (strcmp(argv[1], "-l") == 0) {
        socklen_t len = sizeof addr;
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, 1)) die("bind");
        if (getsockname(fd, (struct sockaddr *)&addr, &len)) die("getsockname");
        fprintf(stderr, "Listening on 127.0.0.1 %d\n", ntohs(addr.sin_port));
        int conn = accept(fd, NULL, NULL);
        if (conn < 0) die("accept");
        copy(conn, 1);
        return 0;
    }
    long port = strtol(argv[1], NULL, 10);
    if (port < 1 || port > 65535) { fprintf(stderr, "relay: bad port\n"); return 2; }
    addr.sin_port = htons((unsigned short)port);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr)) die("connect");
    fcntl(0, F_SETPIPE_SZ, chunk);  // not a pipe, or not allowed: left as it is
    copy(0, fd);
    shutdown(fd, SHUT_WR);
    while (read(fd, buffer, chunk) > 0) {}
    return 0;
}
