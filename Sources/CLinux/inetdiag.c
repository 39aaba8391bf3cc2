// NETLINK_SOCK_DIAG, as ss uses it: the kernel walks its socket tables without formatting text,
// about three times cheaper than /proc/net/tcp (shared/notes/measured-here.md).
#include "CLinux.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fill(struct clinux_diag_entry *e, const struct inet_diag_msg *msg) {
    e->family = msg->idiag_family;
    e->state = msg->idiag_state;
    e->timer = msg->idiag_timer;
    e->retransmits = msg->idiag_retrans;
    e->local_port = ntohs(msg->id.idiag_sport);
    e->remote_port = ntohs(msg->id.idiag_dport);
    memcpy(e->local, msg->id.idiag_src, 16);
    memcpy(e->remote, msg->id.idiag_dst, 16);
    e->expires_ms = msg->idiag_expires;
    e->recv_queue = msg->idiag_rqueue;
    e->send_queue = msg->idiag_wqueue;
    e->uid = msg->idiag_uid;
    e->inode = msg->idiag_inode;
}

// The INET_DIAG_INFO attribute after the message, when the kernel gave one: the socket's
// struct tcp_info (as long as the kernel's own, which may be longer or shorter than ours).
static void fill_info(struct clinux_tcp_info *info, const struct nlmsghdr *h) {
    memset(info, 0, sizeof *info);
    const struct inet_diag_msg *msg = NLMSG_DATA(h);
    int length = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *msg);
    for (const struct rtattr *attr = (const struct rtattr *)(msg + 1); RTA_OK(attr, length); attr = RTA_NEXT(attr, length)) {
        if (attr->rta_type == INET_DIAG_INFO) {
            clinux_tcp_info_decode(RTA_DATA(attr), RTA_PAYLOAD(attr), info);
            return;
        }
    }
}

// Grows both arrays in step (the second only when asked for).
static int append(struct clinux_diag_entry **entries, struct clinux_tcp_info **infos, size_t *count, size_t *capacity,
                  const struct nlmsghdr *h) {
    if (*count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 1024;
        struct clinux_diag_entry *bigger = realloc(*entries, grown * sizeof **entries);
        if (!bigger) return -1;
        *entries = bigger;
        if (infos) {
            struct clinux_tcp_info *more = realloc(*infos, grown * sizeof **infos);
            if (!more) return -1;
            *infos = more;
        }
        *capacity = grown;
    }
    if (infos) fill_info(&(*infos)[*count], h);
    fill(&(*entries)[(*count)++], NLMSG_DATA(h));
    return 0;
}

static void discard(struct clinux_diag_entry **entries, struct clinux_tcp_info **infos, size_t *count) {
    free(*entries);
    *entries = NULL;
    if (infos) {
        free(*infos);
        *infos = NULL;
    }
    *count = 0;
}

int clinux_inet_diag_dump(int family, int protocol, struct clinux_diag_entry **entries, size_t *count,
                          struct clinux_tcp_info **infos) {
    *entries = NULL;
    *count = 0;
    if (infos) *infos = NULL;
    // tcp_info for each socket, as `ss -i`: one more attribute a message, for the screen only.
    unsigned char extensions = infos ? 1U << (INET_DIAG_INFO - 1) : 0;
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    // Every state a socket table lists (ESTABLISHED … NEW_SYN_RECV), as /proc/net/tcp and ss -a.
    // Not bit 13, TCP_BOUND_INACTIVE (Linux 6.5): asking for bound, unconnected sockets makes the
    // kernel walk its whole bind hash table, measured at 5 ms a dump even with none there.
    unsigned states = ((1U << 13) - 1) & ~1U;
    struct {
        struct nlmsghdr header;
        union {
            struct inet_diag_req_v2 v2;
            struct inet_diag_req v1;
        } request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    if (family == AF_UNSPEC && protocol == IPPROTO_TCP) {
        // The older TCPDIAG_GETSOCK request, which the kernel serves with the family left open:
        // one walk of its TCP hash tables for both families (each family's request walks them
        // all, 5 ms at 30,000 sockets).
        message.header.nlmsg_len = NLMSG_LENGTH(sizeof message.request.v1);
        message.header.nlmsg_type = TCPDIAG_GETSOCK;
        message.request.v1.idiag_states = states;
        message.request.v1.idiag_ext = extensions;
    } else {
        message.header.nlmsg_len = NLMSG_LENGTH(sizeof message.request.v2);
        message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        message.request.v2.sdiag_family = (unsigned char)family;
        message.request.v2.sdiag_protocol = (unsigned char)protocol;
        message.request.v2.idiag_states = states;
        message.request.v2.idiag_ext = extensions;
    }
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &message, message.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    size_t capacity = 0;
    // The kernel fills at most 32 KiB a read (netlink_recvmsg caps its dump size there).
    static __thread char buffer[32768] __attribute__((aligned(8)));
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                close(fd);
                return 0;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *error = NLMSG_DATA(h);
                close(fd);
                discard(entries, infos, count);
                errno = error->error ? -error->error : EPROTO;
                return -1;
            }
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
            const struct inet_diag_msg *msg = NLMSG_DATA(h);
            if (msg->idiag_family != AF_INET && msg->idiag_family != AF_INET6) continue;
            if (append(entries, infos, count, &capacity, h) != 0) {
                close(fd);
                discard(entries, infos, count);
                errno = ENOMEM;
                return -1;
            }
        }
    }
    close(fd);
    discard(entries, infos, count);
    errno = EPROTO;
    return -1;
}

int clinux_diag_open(void) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    // The kernel always answers a lookup; the limit only guards against a lost reply.
    struct timeval limit = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    return fd;
}

int clinux_diag_exists(int fd, int family, const unsigned char *local, unsigned short local_port,
                       const unsigned char *remote, unsigned short remote_port) {
    int state = clinux_diag_state(fd, family, local, local_port, remote, remote_port);
    return state < 0 ? -1 : state > 0;
}

int clinux_diag_state(int fd, int family, const unsigned char *local, unsigned short local_port,
                      const unsigned char *remote, unsigned short remote_port) {
    static unsigned int sequence;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;  // one socket, not a dump
    message.header.nlmsg_seq = ++sequence;
    message.request.sdiag_family = (unsigned char)family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = ~0U;
    message.request.id.idiag_sport = htons(local_port);
    message.request.id.idiag_dport = htons(remote_port);
    size_t length = family == AF_INET6 ? 16 : 4;
    memcpy(message.request.id.idiag_src, local, length);
    memcpy(message.request.id.idiag_dst, remote, length);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -1;
    char buffer[8192] __attribute__((aligned(8)));
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != sequence) continue;  // a late answer to an earlier question
            if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
                // The kernel falls back to a listener on the local port when no connection
                // matches: only the very same addresses and ports count.
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return 0;
                const struct inet_diag_msg *found = NLMSG_DATA(h);
                int same = found->id.idiag_sport == message.request.id.idiag_sport
                    && found->id.idiag_dport == message.request.id.idiag_dport
                    && memcmp(found->id.idiag_src, local, length) == 0
                    && memcmp(found->id.idiag_dst, remote, length) == 0;
                return same ? (found->idiag_state ? found->idiag_state : 0) : 0;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *error = NLMSG_DATA(h);
                if (error->error == -ENOENT) return 0;
                errno = error->error ? -error->error : EPROTO;
                return -1;
            }
        }
    }
}

int clinux_diag_destroy_open(void) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    int groups[] = {SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET6_TCP_DESTROY};
    // Bursts of short connections send many notices (about 2 KiB of buffer each, with their
    // tcp_info): room for some 16,000 while the reader is busy (root may exceed rmem_max).
    int size = 32 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) goto fail;
    for (int i = 0; i < 2; i++)
        if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof groups[i]) != 0) goto fail;
    return fd;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int clinux_diag_destroy_read(int fd, struct clinux_diag_entry *entries, int max) {
    static __thread char buffer[65536] __attribute__((aligned(8)));
    int count = 0;
    while (count < max) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? count : -1;
        if (n == 0) return count;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (unsigned)n) && count < max; h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
            fill(&entries[count++], NLMSG_DATA(h));
        }
    }
    return count;
}
