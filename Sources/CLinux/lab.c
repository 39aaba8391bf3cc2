// The lesson lab's kernel calls: a network namespace of its own, its loopback made to look like
// a network's, and the nflog group that reports the segments its nft rules drop. See CLinux.h.
#include "CLinux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int clinux_enter_new_netns(void) { return unshare(CLONE_NEWNET); }

static int set_offload(int fd, const char *name, unsigned int command) {
    struct ethtool_value value = {.cmd = command, .data = 0};
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    request.ifr_data = (char *)&value;
    return ioctl(fd, SIOCETHTOOL, &request);
}

int clinux_link_up(const char *name, int mtu, int segment_offload) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    int result = -1;
    if (mtu > 0) {
        request.ifr_mtu = mtu;
        if (ioctl(fd, SIOCSIFMTU, &request) != 0) goto done;
    }
    // Without TSO and GSO a large write leaves as MSS-sized segments, as on a real network; with
    // them the loopback carries one 64 KiB frame that the capture shows as a single segment.
    if (!segment_offload && (set_offload(fd, name, ETHTOOL_STSO) != 0 || set_offload(fd, name, ETHTOOL_SGSO) != 0)) goto done;
    if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) goto done;
    request.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &request) != 0) goto done;
    result = 0;
done:;
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

// One nfnetlink_log configuration request for `group`, with one attribute; waits for its ACK.
static int nflog_config(int fd, unsigned short group, unsigned short type, const void *value, unsigned short length) {
    char message[NLMSG_SPACE(sizeof(struct nfgenmsg) + NLA_HDRLEN + 16)];
    memset(message, 0, sizeof message);
    struct nlmsghdr *header = (struct nlmsghdr *)message;
    header->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
    header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    header->nlmsg_seq = 1;
    struct nfgenmsg *generic = NLMSG_DATA(header);
    generic->nfgen_family = AF_UNSPEC;
    generic->version = NFNETLINK_V0;
    generic->res_id = htons(group);
    struct nlattr *attribute = (struct nlattr *)((char *)generic + NLA_ALIGN(sizeof *generic));
    attribute->nla_type = type;
    attribute->nla_len = NLA_HDRLEN + length;
    memcpy((char *)attribute + NLA_HDRLEN, value, length);
    header->nlmsg_len = NLMSG_LENGTH(NLA_ALIGN(sizeof *generic) + NLA_ALIGN(attribute->nla_len));
    if (send(fd, message, header->nlmsg_len, 0) < 0) return -1;
    char answer[256];
    for (int tries = 0; tries < 8; tries++) {
        ssize_t got = recv(fd, answer, sizeof answer, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        struct nlmsghdr *reply = (struct nlmsghdr *)answer;
        if (got >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && reply->nlmsg_type == NLMSG_ERROR) {
            int error = ((struct nlmsgerr *)NLMSG_DATA(reply))->error;
            if (error == 0) return 0;
            errno = -error;
            return -1;
        }
    }
    errno = EPROTO;
    return -1;
}

int clinux_nflog_open(unsigned short group, unsigned int copy_bytes) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (fd < 0) return -1;
    struct sockaddr_nl address = {.nl_family = AF_NETLINK};
    struct nfulnl_msg_config_cmd bind_command = {.command = NFULNL_CFG_CMD_BIND};
    struct nfulnl_msg_config_mode mode = {.copy_range = htonl(copy_bytes), .copy_mode = NFULNL_COPY_PACKET};
    // Each packet at once: by default the kernel gathers 100 of them, or waits a second.
    unsigned int one_packet = htonl(1);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        nflog_config(fd, group, NFULA_CFG_CMD, &bind_command, sizeof bind_command) != 0 ||
        nflog_config(fd, group, NFULA_CFG_MODE, &mode, sizeof mode) != 0 ||
        nflog_config(fd, group, NFULA_CFG_QTHRESH, &one_packet, sizeof one_packet) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    // Reads never block the lesson's loop: it polls this descriptor.
    int flags = 1;
    if (ioctl(fd, FIONBIO, &flags) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int clinux_nflog_read(int fd, unsigned char *packets, size_t size, size_t *lengths, int max) {
    char message[65536];
    ssize_t got = recv(fd, message, sizeof message, 0);
    if (got < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    int count = 0;
    size_t used = 0;
    int left = (int)got;
    for (struct nlmsghdr *header = (struct nlmsghdr *)message; NLMSG_OK(header, left) && count < max;
         header = NLMSG_NEXT(header, left)) {
        if (header->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) continue;
        int length = (int)header->nlmsg_len - NLMSG_LENGTH(sizeof(struct nfgenmsg));
        struct nlattr *attribute = (struct nlattr *)((char *)NLMSG_DATA(header) + NLA_ALIGN(sizeof(struct nfgenmsg)));
        while (length >= NLA_HDRLEN && attribute->nla_len >= NLA_HDRLEN && attribute->nla_len <= length) {
            if ((attribute->nla_type & NLA_TYPE_MASK) == NFULA_PAYLOAD) {
                size_t payload = attribute->nla_len - NLA_HDRLEN;
                if (used + payload > size) return count;
                memcpy(packets + used, (char *)attribute + NLA_HDRLEN, payload);
                used += payload;
                lengths[count++] = payload;
                break;
            }
            length -= NLA_ALIGN(attribute->nla_len);
            attribute = (struct nlattr *)((char *)attribute + NLA_ALIGN(attribute->nla_len));
        }
    }
    return count;
}
