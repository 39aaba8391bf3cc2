// The floor for bench/probe.sh: `connect-loop PORT COUNT` connects to 127.0.0.1:PORT and closes,
// COUNT times, one after another, each connect timed as sockscope probe times it (non-blocking
// connect, poll for the end of the handshake); prints the seconds the whole loop took.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: connect-loop PORT COUNT\n");
        return 2;
    }
    long port = strtol(argv[1], NULL, 10), count = strtol(argv[2], NULL, 10);
    if (port < 1 || port > 65535 || count < 1 || count > 1000000) return 2;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    double start = now();
    for (long i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) { perror("socket"); return 1; }
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS) { perror("connect"); return 1; }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 2000) != 1) { fprintf(stderr, "no answer\n"); return 1; }
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) { fprintf(stderr, "connect: %d\n", error); return 1; }
        close(fd);
    }
    printf("%.6f\n", now() - start);
    return 0;
}
