// NETLINK_SOCK_DIAG, as ss uses it: the kernel walks its socket tables without formatting text,
// about three times cheaper than /proc/net/tcp (shared/notes/measured-here.md).
#include "CLinux.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int append(struct clinux_diag_entry **entries, size_t *count, size_t *capacity,
                  const struct inet_diag_msg *msg) {
    if (*count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 1024;
        struct clinux_diag_entry *bigger = realloc(*entries, grown * sizeof **entries);
        if (!bigger) return -1;
        *entries = bigger;
        *capacity = grown;
    }
    struct clinux_diag_entry *e = &(*entries)[(*count)++];
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
    return 0;
}

int clinux_inet_diag_dump(int family, int protocol, struct clinux_diag_entry **entries, size_t *count) {
    *entries = NULL;
    *count = 0;
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = (unsigned char)family;
    message.request.sdiag_protocol = (unsigned char)protocol;
    message.request.idiag_states = ~0U;  // every state
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    size_t capacity = 0;
    static __thread char buffer[65536] __attribute__((aligned(8)));
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
                free(*entries);
                *entries = NULL;
                *count = 0;
                errno = error->error ? -error->error : EPROTO;
                return -1;
            }
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
            if (append(entries, count, &capacity, NLMSG_DATA(h)) != 0) {
                close(fd);
                free(*entries);
                *entries = NULL;
                *count = 0;
                errno = ENOMEM;
                return -1;
            }
        }
    }
    close(fd);
    free(*entries);
    *entries = NULL;
    *count = 0;
    errno = EPROTO;
    return -1;
}
