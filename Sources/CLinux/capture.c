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
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* Room before a frame's data in each slot: the header, the link address, and the alignment
 * the kernel keeps in front of the network header (see tpacket_rcv). */
static unsigned int slot_bytes(unsigned int snap) {
    unsigned int before = TPACKET_ALIGN(TPACKET2_HDRLEN + 16);
    return TPACKET_ALIGN(before + snap);
}

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
    int one = 1, version = TPACKET_V2;
    unsigned int slot = slot_bytes(snap);
    if (slot > block_bytes) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    struct tpacket_req request;
    memset(&request, 0, sizeof request);
    request.tp_block_size = block_bytes;
    request.tp_block_nr = blocks;
    request.tp_frame_size = slot;
    request.tp_frame_nr = (block_bytes / slot) * blocks;
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
    ring->slot_bytes = slot;
    ring->slots_per_block = block_bytes / slot;
    ring->slots = ring->slots_per_block * blocks;
    return fd;
}

void clinux_capture_close(struct clinux_ring *ring) {
    if (ring->map) munmap(ring->map, ring->size);
    if (ring->fd >= 0) close(ring->fd);
    ring->map = NULL;
    ring->fd = -1;
}

static struct tpacket2_hdr *ring_slot(const struct clinux_ring *ring, unsigned int index) {
    size_t offset = (size_t)(index / ring->slots_per_block) * ring->block_bytes
                    + (size_t)(index % ring->slots_per_block) * ring->slot_bytes;
    return (struct tpacket2_hdr *)((char *)ring->map + offset);
}

int clinux_ring_next(struct clinux_ring *ring, struct clinux_frame *frame, const unsigned char **data) {
    if (!ring->map || ring->slots == 0) return -1;
    // The frame handed over last time goes back to the kernel now that the caller is done.
    if (ring->holding) {
        __atomic_store_n(&ring_slot(ring, ring->slot)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        ring->holding = 0;
        ring->slot = (ring->slot + 1) % ring->slots;
    }
    struct tpacket2_hdr *header = ring_slot(ring, ring->slot);
    if (!(__atomic_load_n(&header->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) return 0;
    ring->holding = 1;
    // The kernel's offsets are checked against the slot before anything is read there: a frame
    // that does not fit is handed over empty (and counted undecodable), never read past.
    unsigned int length = header->tp_snaplen;
    if (header->tp_mac > ring->slot_bytes || length > ring->slot_bytes - header->tp_mac) length = 0;
    frame->seconds = header->tp_sec;
    frame->nanoseconds = header->tp_nsec;
    frame->captured_length = length;
    frame->original_length = header->tp_len;
    *data = (const unsigned char *)header + (length > 0 ? header->tp_mac : 0);
    return 1;
}

int clinux_capture_set_filter(int fd, const struct clinux_bpf *program, unsigned short count) {
    _Static_assert(sizeof(struct clinux_bpf) == sizeof(struct sock_filter), "struct sock_filter layout");
    struct sock_fprog fprog = {.len = count, .filter = (struct sock_filter *)program};
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
}

long clinux_capture_drops(int fd) {
    struct tpacket_stats stats;  // TPACKET_V2's
    socklen_t length = sizeof stats;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) return -1;
    return (long)stats.tp_drops;  // reading the statistics resets them
}
