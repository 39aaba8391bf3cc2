// Linux calls and constants that Swift's Glibc module does not import because it is built
// without _GNU_SOURCE (see shared/notes/swift-on-linux.md). Each is a thin wrapper, no logic.
#ifndef SOCKSCOPE_CLINUX_H
#define SOCKSCOPE_CLINUX_H

#include <poll.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/socket.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC: one call instead of accept + two fcntl.
int clinux_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

/// Grows a pipe's kernel buffer (F_SETPIPE_SZ). Returns the new size or -1 (not a pipe, or above
/// /proc/sys/fs/pipe-max-size): callers treat failure as "leave it as it is".
int clinux_set_pipe_size(int fd, int bytes);

/// The kernel buffer size of a pipe (F_GETPIPE_SZ), or -1 when `fd` is not a pipe.
int clinux_pipe_size(int fd);

/// Blocks the given signals for the process and returns a signalfd that becomes readable when one
/// arrives, so the one poll() loop can handle SIGINT/SIGTERM/SIGHUP without async handlers.
int clinux_signalfd(const int *signals, int count);

/// Reads one signal number from a signalfd; returns 0 when nothing could be read.
int clinux_read_signal(int fd);

/// Stops the process as Ctrl-Z would (SIGTSTP with its default action) and returns once it is
/// continued (SIGCONT); SIGTSTP is blocked again, for the signalfd.
void clinux_stop_by_sigtstp(void);

/// Restores the default action for `sig`, unblocks it and raises it, so the process dies by the
/// signal as a shell expects after Ctrl-C (exit status 128+sig).
void clinux_die_by_signal(int sig);

/// splice(2) between a pipe and another descriptor, SPLICE_F_MOVE | SPLICE_F_NONBLOCK, so the
/// bytes never enter user space (measured here: about twice the throughput of read/write).
long clinux_splice(int from, int to, size_t count);

/// poll(2) with a timeout in nanoseconds (ppoll): `probe` times a close to the microsecond,
/// where poll's milliseconds would round a loopback's 30 µs up to one. `nanoseconds` < 0: none.
int clinux_poll_ns(struct pollfd *fds, unsigned long count, long long nanoseconds);

/// renameat2(RENAME_NOREPLACE) within one directory: EEXIST rather than replace a file that
/// appeared meanwhile (`serve receive` without --overwrite). 0 or -1.
int clinux_rename_noreplace(int directory, const char *from, const char *to);

/// pipe2(O_CLOEXEC) with the kernel buffer grown to `bytes` when allowed; 0 or -1.
int clinux_pipe(int fds[2], int bytes);

/// The fields of Linux's struct tcp_info that sockscope shows (the Glibc module's copy of the
/// struct is an old, truncated one). Times in microseconds.
struct clinux_tcp_info {
    unsigned char state;
    unsigned char retransmits;     /* consecutive unanswered retransmissions now */
    unsigned int rtt_us;
    unsigned int rttvar_us;
    unsigned int min_rtt_us;
    unsigned int snd_cwnd;         /* segments */
    unsigned int snd_mss;
    unsigned int total_retrans;
    unsigned int unacked;
    unsigned long long bytes_acked;
    unsigned long long bytes_received;
    unsigned long long delivery_rate; /* bytes per second */
    unsigned int snd_wnd;          /* the peer's advertised window, scaled, in bytes */
    unsigned char snd_wnd_known;   /* the kernel's tcp_info is new enough to carry snd_wnd (6.2) */
    unsigned char known;           /* a dump's entry: the kernel gave this socket's tcp_info */
};

/// getsockopt(TCP_INFO) into the struct above; 0 or -1 (errno set).
int clinux_tcp_info(int fd, struct clinux_tcp_info *out);

/// Fills `out` from a struct tcp_info of `length` bytes as the kernel gave it (a shorter one,
/// from an older kernel, leaves the missing fields 0 and snd_wnd_known 0).
void clinux_tcp_info_decode(const void *payload, unsigned long length, struct clinux_tcp_info *out);

/// One socket from a NETLINK_SOCK_DIAG dump: the fields /proc/net/tcp shows, from
/// struct inet_diag_msg. Addresses in network order; ports in host order.
struct clinux_diag_entry {
    unsigned char family;          /* AF_INET or AF_INET6 */
    unsigned char state;
    unsigned char timer;           /* as /proc's `tr` column */
    unsigned char retransmits;
    unsigned short local_port;
    unsigned short remote_port;
    unsigned char local[16];
    unsigned char remote[16];
    unsigned int expires_ms;
    unsigned int recv_queue;
    unsigned int send_queue;
    unsigned int uid;
    unsigned int inode;
};

/// Dumps every socket of one family and protocol (IPPROTO_TCP or IPPROTO_UDP) through
/// NETLINK_SOCK_DIAG into a malloc'd array the caller frees. 0 or -1 (errno set; e.g. no
/// udp_diag module): the caller falls back to /proc. AF_UNSPEC with IPPROTO_TCP dumps IPv4 and
/// IPv6 TCP sockets together, in one walk of the kernel's tables (entries carry their family).
/// With `infos` not NULL, each TCP socket's tcp_info too (INET_DIAG_INFO, as `ss -i`), in a
/// second malloc'd array parallel to the first, which the caller frees; `known` is 0 where the
/// kernel gave none (a TIME_WAIT or a request socket has no tcp_info).
int clinux_inet_diag_dump(int family, int protocol, struct clinux_diag_entry **entries, size_t *count,
                          struct clinux_tcp_info **infos);

/// A NETLINK_SOCK_DIAG socket for `clinux_diag_exists`, kept open between lookups; -1 on error.
int clinux_diag_open(void);

/// Whether this network namespace holds a TCP socket with exactly these addresses (network
/// order; 4 bytes for AF_INET, 16 for AF_INET6) and ports (host order): 1, 0, or -1 on error.
/// A remote of all zeros and port 0 finds a listener.
int clinux_diag_exists(int fd, int family, const unsigned char *local, unsigned short local_port,
                       const unsigned char *remote, unsigned short remote_port);

/// The state of this namespace's TCP socket with exactly these addresses and ports (for a
/// timewait socket, its substate: TIME_WAIT or FIN_WAIT2): 1–12, 0 when there is none, -1 on
/// error.
int clinux_diag_state(int fd, int family, const unsigned char *local, unsigned short local_port,
                      const unsigned char *remote, unsigned short remote_port);

/// A non-blocking NETLINK_SOCK_DIAG socket subscribed to this network namespace's TCP destroy
/// notices (IPv4 and IPv6): one message per full socket freed, with its addresses. -1 on error.
int clinux_diag_destroy_open(void);

/// Reads the notices waiting (at most `max`) into `entries`; the count, or -1 on error (ENOBUFS:
/// notices were lost).
int clinux_diag_destroy_read(int fd, struct clinux_diag_entry *entries, int max);

/// A TPACKET_V2 receive ring mapped from an AF_PACKET socket, and where the reader is in it.
struct clinux_ring {
    int fd;
    void *map;
    unsigned long size;
    unsigned int block_bytes;
    unsigned int slot_bytes;      /* one frame's slot */
    unsigned int slots_per_block;
    unsigned int slots;
    unsigned int slot;            /* the next slot to read */
    int holding;                  /* `slot` was handed over and is still the caller's */
};

/// An AF_PACKET socket that captures every frame arriving on interface `ifindex` into a
/// TPACKET_V2 ring of `blocks` blocks of `block_bytes` (mapped into `ring`, a slot per frame),
/// each frame trimmed to `snap` bytes in the kernel and stamped with CLOCK_REALTIME to the
/// nanosecond. Frames this host sends are ignored (PACKET_IGNORE_OUTGOING): on `lo` each one
/// arrives as well, so every segment is seen once. Poll the descriptor for POLLIN: a frame is
/// ready. Returns the descriptor, or -1 (errno).
int clinux_capture_open(int ifindex, unsigned int snap, unsigned int block_bytes, unsigned int blocks,
                        struct clinux_ring *ring);

/// Unmaps the ring and closes its socket.
void clinux_capture_close(struct clinux_ring *ring);

/// One classic BPF instruction, laid out as struct sock_filter.
struct clinux_bpf {
    unsigned short code;
    unsigned char jt;
    unsigned char jf;
    unsigned int k;
};

/// Replaces the capture's kernel filter (SO_ATTACH_FILTER); 0 or -1 (errno).
int clinux_capture_set_filter(int fd, const struct clinux_bpf *program, unsigned short count);

/// A frame handed over by `clinux_ring_next`.
struct clinux_frame {
    long long seconds;
    unsigned int nanoseconds;
    unsigned int captured_length;  /* bytes at `data` */
    unsigned int original_length;  /* the frame's length on the wire */
};

/// The next frame in the ring: 1 and `*data` (valid until the next call, which gives its slot
/// back to the kernel), 0 when none is ready, -1 for a closed ring.
int clinux_ring_next(struct clinux_ring *ring, struct clinux_frame *frame, const unsigned char **data);

/// Frames the kernel dropped (receive buffer full) since the last call; -1 on error.
long clinux_capture_drops(int fd);

/// POLLRDHUP: the peer shut down its write half.
extern const short clinux_pollrdhup;

/// Moves the calling thread into a new, empty network namespace (unshare CLONE_NEWNET): the
/// lesson lab's. It has no name, so nothing lists it, and the kernel removes it, with every rule
/// and qdisc in it, when its last user is gone — however the process ends. 0 or -1 (errno).
int clinux_enter_new_netns(void);

/// Sets interface `name` up, its MTU to `mtu` (unchanged when 0), and with `segment_offload` 0
/// turns TSO and GSO off so that large writes leave as MSS-sized segments. 0 or -1 (errno).
int clinux_link_up(const char *name, int mtu, int segment_offload);

/// A netlink socket bound to nflog group `group` (nft `log group N`), copying up to `copy_bytes`
/// of each logged packet; non-blocking. -1 on error (errno).
int clinux_nflog_open(unsigned short group, unsigned int copy_bytes);

/// Reads one batch of logged packets (IP headers onward) into `packets`, one after another, their
/// lengths in `lengths` (at most `max`): the count, 0 when none is waiting, -1 on error (errno;
/// ENOBUFS: some were lost).
int clinux_nflog_read(int fd, unsigned char *packets, size_t size, size_t *lengths, int max);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), which the importer does not see: the
/// child closes every descriptor from `low` up before it starts (the tests' children inherit
/// nothing of the test process's). 0, or an errno.
int clinux_spawn_close_from(posix_spawn_file_actions_t *actions, int low);

/// A child starts with no signal blocked and SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT and
/// SIGCHLD at their defaults: sockscope blocks signals for its signalfd and ignores SIGPIPE, and
/// a test runner may do either; a program behind a socket must inherit neither. 0, or an errno.
int clinux_spawn_default_signals(posix_spawnattr_t *attributes);

/// A BPF map (bpf(2) BPF_MAP_CREATE): with `ring` 1, a ring buffer of `entries` bytes (a power
/// of two, pages); else an array of `entries` values of `value_size` bytes with 32-bit keys,
/// which can be mapped (mmap at offset 0) to read its values.
/// The descriptor is close-on-exec; -1 on error (errno: EPERM without CAP_BPF).
int clinux_bpf_map_create(int ring, unsigned int value_size, unsigned int entries, const char *name);

/// Loads a tracepoint program of `count` 8-byte instructions; the verifier's account, when it
/// refuses, goes to `log` (NUL-terminated, at most `log_size`). A descriptor or -1 (errno).
int clinux_bpf_tracepoint_program(const void *instructions, unsigned int count, const char *license,
                                  char *log, unsigned int log_size, const char *name);

/// How often the kernel skipped `program` because a BPF program was already running on that CPU
/// (a softirq's transition arriving while the program ran for another): each a transition not
/// seen. -1 on error.
long long clinux_bpf_program_misses(int program);

/// Runs `program` on every hit of the tracepoint with this id (tracefs `events/.../id`), through
/// a perf event that is enabled at once; closing the descriptor detaches it. -1 on error (errno).
int clinux_perf_tracepoint_attach(unsigned long long tracepoint, int program);

/// Loads and stores with the ordering a BPF ring buffer's positions need against the kernel's
/// producer (Swift has no atomics over mapped memory).
unsigned long long clinux_load_acquire(const unsigned long long *where);
unsigned int clinux_load_acquire32(const unsigned int *where);
void clinux_store_release(unsigned long long *where, unsigned long long value);

#endif

/// A Unix socket's peer, as SO_PEERCRED says (the process that connected or listened); 0 or -1.
int clinux_peer_credentials(int fd, int *pid, int *uid, int *gid);

/// Bytes waiting to be read (SIOCINQ) and not yet taken by the peer (SIOCOUTQ); 0 or -1.
int clinux_socket_queues(int fd, int *in, int *out);
