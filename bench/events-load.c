// Load for bench/events.sh: COUNT loopback connections at about RATE a second, each opened and
// closed in full (the server closes first, so each is ten state transitions: five per end and
// no TIME_WAIT left on the client's ephemeral ports). It listens on 127.0.0.1 port 0, prints
// "Listening on 127.0.0.1 PORT" on stderr, waits for a line on stdin, runs, and prints
// "done COUNT SECONDS" on stdout. Bounded: at most COUNT connections, at most 60 seconds.
// With "talk" (for bench/capture.sh), each connection carries a line each way first: the
// client sends "ping", the server answers "pong" and closes.
// Usage: events-load COUNT RATE [talk]
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listener;
static long total;
static int talk;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

// The server: accept, close (FIN first), until every connection has come.
static void *serve(void *unused) {
    (void)unused;
    for (long i = 0; i < total; i++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        if (talk) {
            char line[16];
            if (read(fd, line, sizeof line) > 0) (void)!write(fd, "pong\n", 5);
        }
        close(fd);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) return 2;
    total = atol(argv[1]);
    talk = argc == 4;
    double rate = atof(argv[2]);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t length = sizeof a;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(listener, (struct sockaddr *)&a, sizeof a) || listen(listener, 4096) ||
        getsockname(listener, (struct sockaddr *)&a, &length)) return 1;
    fprintf(stderr, "Listening on 127.0.0.1 %d\n", ntohs(a.sin_port));
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return 1;
    pthread_t server;
    pthread_create(&server, NULL, serve, NULL);
    double start = now(), limit = start + 60;
    long made = 0;
    char byte;
    while (made < total && now() < limit) {
        // Pace: connection i starts no earlier than i / RATE seconds in.
        while (now() < start + made / rate) {}
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) continue;
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            if (talk) (void)!write(fd, "ping\n", 5);
            while (read(fd, &byte, 1) > 0) {}  // the server's FIN
            made++;
        }
        close(fd);
    }
    pthread_join(server, NULL);
    printf("done %ld %.3f\n", made, now() - start);
    return 0;
}
