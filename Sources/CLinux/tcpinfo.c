// Kept apart from CLinux.c: <linux/tcp.h> (the full tcp_info) clashes with <netinet/tcp.h>.
#include "CLinux.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

int clinux_tcp_info(int fd, struct clinux_tcp_info *out) {
    struct tcp_info info;
    socklen_t length = sizeof info;
    memset(&info, 0, sizeof info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
    clinux_tcp_info_decode(&info, length, out);
    return 0;
}

void clinux_tcp_info_decode(const void *payload, unsigned long length, struct clinux_tcp_info *out) {
    struct tcp_info info;
    memset(&info, 0, sizeof info);
    memcpy(&info, payload, length < sizeof info ? length : sizeof info);
    memset(out, 0, sizeof *out);
    out->state = info.tcpi_state;
    out->retransmits = info.tcpi_retransmits;
    out->rtt_us = info.tcpi_rtt;
    out->rttvar_us = info.tcpi_rttvar;
    out->min_rtt_us = info.tcpi_min_rtt;
    out->snd_cwnd = info.tcpi_snd_cwnd;
    out->snd_mss = info.tcpi_snd_mss;
    out->total_retrans = info.tcpi_total_retrans;
    out->unacked = info.tcpi_unacked;
    out->bytes_acked = info.tcpi_bytes_acked;
    out->bytes_received = info.tcpi_bytes_received;
    out->delivery_rate = info.tcpi_delivery_rate;
    out->snd_wnd = info.tcpi_snd_wnd;
    out->snd_wnd_known = length >= offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof info.tcpi_snd_wnd;
    out->known = 1;
}
