// Load for bench/accept.sh: THREADS clients connect to 127.0.0.1:PORT and close at once (RST,
// so no TIME_WAIT piles up), in a loop for SECONDS. Prints connections per second and how many
// took over 200 ms (the mark of a SYN dropped by a full listen queue).
// Usage: accept-load PORT SECONDS THREADS
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static double deadline;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

struct result { long connections, stalls; };

static void *client(void *arg) {
    struct result *r = arg;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
    struct linger reset = {1, 0};
    while (now() < deadline) {
        double start = now();
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) continue;
        struct timeval limit = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) r->connections++;
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        close(fd);
        if (now() - start > 0.2) r->stalls++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) return 2;
    port = atoi(argv[1]);
    double seconds = atof(argv[2]);
    int threads = atoi(argv[3]);
    deadline = now() + seconds;
    pthread_t ids[256];
    struct result results[256] = {{0}};
    if (threads > 256) threads = 256;
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, client, &results[i]);
    long connections = 0, stalls = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(ids[i], NULL);
        connections += results[i].connections;
        stalls += results[i].stalls;
    }
    printf("%.0f %ld\n", connections / seconds, stalls);
    return 0;
}
