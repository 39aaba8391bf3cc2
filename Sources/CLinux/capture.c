// AF_PACKET capture for the segments view: see CLinux.h.
#include "CLinux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

int clinux_capture_open(int ifindex, unsigned int snap, int buffer_bytes) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return -1;
    // The snap length as a one-instruction filter: the kernel trims each frame before queueing
    // it, so a bulk transfer's 64 KiB frames cost the receive buffer only their headers.
    struct sock_filter keep = BPF_STMT(BPF_RET | BPF_K, snap);
    struct sock_fprog program = {.len = 1, .filter = &keep};
    int one = 1;
    struct sockaddr_ll address;
    memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (buffer_bytes > 0) {
        // As root, past rmem_max; else as far as rmem_max allows.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    // Frames queued before the filter was attached may be whole and of any kind: drop them.
    unsigned char scratch[64];
    while (recv(fd, scratch, sizeof scratch, MSG_DONTWAIT | MSG_TRUNC) >= 0) {}
    return fd;
}

int clinux_capture_read(int fd, unsigned char *buffer, size_t size, struct clinux_frame *frame) {
    struct sockaddr_ll from;
    struct iovec part = {.iov_base = buffer, .iov_len = size};
    union {
        char bytes[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } control;
    struct msghdr message = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &part, .msg_iovlen = 1,
                             .msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
    ssize_t length = recvmsg(fd, &message, MSG_TRUNC | MSG_DONTWAIT);
    if (length < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    frame->original_length = (unsigned int)length;
    frame->captured_length = (unsigned int)((size_t)length < size ? (size_t)length : size);
    frame->ifindex = from.sll_ifindex;
    frame->seconds = 0;
    frame->nanoseconds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec stamp;
            memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
            frame->seconds = (long long)stamp.tv_sec;
            frame->nanoseconds = (unsigned int)stamp.tv_nsec;
        }
    }
    if (frame->seconds == 0) {  // no stamp came with it: now is the best there is
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        frame->seconds = (long long)now.tv_sec;
        frame->nanoseconds = (unsigned int)now.tv_nsec;
    }
    return 1;
}

int clinux_capture_set_filter(int fd, const struct clinux_bpf *program, unsigned short count) {
    _Static_assert(sizeof(struct clinux_bpf) == sizeof(struct sock_filter), "struct sock_filter layout");
    struct sock_fprog fprog = {.len = count, .filter = (struct sock_filter *)program};
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
}

long clinux_capture_drops(int fd) {
    struct tpacket_stats stats;
    socklen_t length = sizeof stats;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) return -1;
    return (long)stats.tp_drops;  // reading the statistics resets them
}
