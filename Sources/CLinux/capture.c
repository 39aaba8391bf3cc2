// AF_PACKET capture for the segments view: see CLinux.h.
#include "CLinux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

int clinux_capture_open(int ifindex, unsigned int snap, unsigned int block_bytes, unsigned int blocks,
                        struct clinux_ring *ring) {
    memset(ring, 0, sizeof *ring);
    ring->fd = -1;
    // Protocol 0: no frame is queued before the filter and the ring are in place (bind says
    // ETH_P_ALL).
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // The snap length as a one-instruction filter until the mode sets its ports: the kernel
    // trims each frame before it is copied into the ring.
    struct sock_filter keep = BPF_STMT(BPF_RET | BPF_K, snap);
    struct sock_fprog program = {.len = 1, .filter = &keep};
    int one = 1, version = TPACKET_V3;
    // Blocks handed to the reader when full, or after `tp_retire_blk_tov` ms when not: a quiet
    // connection's segment waits at most that long.
    struct tpacket_req3 request;
    memset(&request, 0, sizeof request);
    request.tp_block_size = block_bytes;
    request.tp_block_nr = blocks;
    request.tp_frame_size = 2048;
    request.tp_frame_nr = (unsigned int)((unsigned long)block_bytes * blocks / 2048);
    request.tp_retire_blk_tov = 10;
    struct sockaddr_ll address;
    memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex;
    size_t size = (size_t)block_bytes * blocks;
    void *map = MAP_FAILED;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &request, sizeof request) != 0 ||
        (map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED ||
        bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int saved = errno;
        if (map != MAP_FAILED) munmap(map, size);
        close(fd);
        errno = saved;
        return -1;
    }
    ring->fd = fd;
    ring->map = map;
    ring->size = size;
    ring->block_bytes = block_bytes;
    ring->blocks = blocks;
    return fd;
}

void clinux_capture_close(struct clinux_ring *ring) {
    if (ring->map) munmap(ring->map, ring->size);
    if (ring->fd >= 0) close(ring->fd);
    ring->map = NULL;
    ring->fd = -1;
}

static struct tpacket_block_desc *ring_block(const struct clinux_ring *ring) {
    return (struct tpacket_block_desc *)((char *)ring->map + (size_t)ring->block * ring->block_bytes);
}

int clinux_ring_next(struct clinux_ring *ring, struct clinux_frame *frame, const unsigned char **data) {
    if (!ring->map) return -1;
    // At most one lap of empty or finished blocks, never a loop without end.
    for (unsigned int tries = 0; tries <= ring->blocks; tries++) {
        struct tpacket_block_desc *block = ring_block(ring);
        if (!(__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) return 0;
        unsigned int count = block->hdr.bh1.num_pkts;
        if (ring->index < count) {
            // The kernel's offsets are checked against the block before anything is read there.
            size_t offset = ring->index == 0 ? block->hdr.bh1.offset_to_first_pkt : ring->next_offset;
            if (offset + sizeof(struct tpacket3_hdr) <= ring->block_bytes) {
                struct tpacket3_hdr *header = (struct tpacket3_hdr *)((char *)block + offset);
                size_t start = offset + header->tp_mac;
                if (start + header->tp_snaplen <= ring->block_bytes) {
                    const struct sockaddr_ll *link =
                        (const struct sockaddr_ll *)((char *)header + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
                    frame->seconds = header->tp_sec;
                    frame->nanoseconds = header->tp_nsec;
                    frame->captured_length = header->tp_snaplen;
                    frame->original_length = header->tp_len;
                    frame->ifindex = offset + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof *link <= ring->block_bytes
                                         ? link->sll_ifindex : 0;
                    *data = (const unsigned char *)block + start;
                    ring->index++;
                    ring->next_offset = offset + header->tp_next_offset;
                    // The last frame: the block goes back once the caller is done with it (next call).
                    if (header->tp_next_offset == 0) ring->index = count;
                    return 1;
                }
            }
            ring->index = count;  // a block the reader cannot walk is given back whole
        }
        // Every frame of this block has been handed over: back to the kernel, on to the next.
        __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        ring->index = 0;
        ring->next_offset = 0;
        ring->block = (ring->block + 1) % ring->blocks;
    }
    return 0;
}

int clinux_capture_set_filter(int fd, const struct clinux_bpf *program, unsigned short count) {
    _Static_assert(sizeof(struct clinux_bpf) == sizeof(struct sock_filter), "struct sock_filter layout");
    struct sock_fprog fprog = {.len = count, .filter = (struct sock_filter *)program};
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
}

long clinux_capture_drops(int fd) {
    struct tpacket_stats_v3 stats;
    socklen_t length = sizeof stats;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) return -1;
    return (long)stats.tp_drops;  // reading the statistics resets them
}
