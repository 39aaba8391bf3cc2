// The floor for bench/accept.sh: a blocking accept-and-close loop with a 4096 backlog, the least
// work a server can do per connection. Whatever overflows it shows come from the load, not the
// server. Prints "Listening on 127.0.0.1 PORT" on stderr when ready.
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096)) return 1;
    getsockname(listener, (struct sockaddr *)&address, &length);
    fprintf(stderr, "Listening on 127.0.0.1 %d\n", ntohs(address.sin_port));
    for (;;) {
        int connection = accept(listener, NULL, NULL);
        if (connection >= 0) close(connection);
    }
}
