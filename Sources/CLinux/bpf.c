// The bpf(2) and perf_event_open(2) calls of the transition program: see CLinux.h. glibc wraps
// neither, and union bpf_attr is easier to fill in C than through the importer.
#include "CLinux.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bpf_call(int command, union bpf_attr *attr) {
    return (int)syscall(__NR_bpf, command, attr, sizeof *attr);
}

int clinux_bpf_map_create(int ring, unsigned int value_size, unsigned int entries, const char *name) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = ring ? BPF_MAP_TYPE_RINGBUF : BPF_MAP_TYPE_ARRAY;
    attr.key_size = ring ? 0 : 4;
    attr.value_size = ring ? 0 : value_size;
    attr.max_entries = entries;
    // An array is mapped into the reader (BPF_F_MMAPABLE): its counters are read from memory,
    // with no system call per read (a map lookup would also block BPF on that CPU meanwhile).
    attr.map_flags = ring ? 0 : BPF_F_MMAPABLE;
    strncpy(attr.map_name, name, BPF_OBJ_NAME_LEN - 1);
    return bpf_call(BPF_MAP_CREATE, &attr);
}

int clinux_bpf_tracepoint_program(const void *instructions, unsigned int count, const char *license,
                                  char *log, unsigned int log_size, const char *name) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_TRACEPOINT;
    attr.insns = (unsigned long)instructions;
    attr.insn_cnt = count;
    attr.license = (unsigned long)license;
    if (log && log_size > 0) {
        attr.log_buf = (unsigned long)log;
        attr.log_size = log_size;
        attr.log_level = 1;
        log[0] = 0;
    }
    strncpy(attr.prog_name, name, BPF_OBJ_NAME_LEN - 1);
    int fd = bpf_call(BPF_PROG_LOAD, &attr);
    // A log too small for the verifier's story fails the load with ENOSPC: load again without it.
    if (fd < 0 && errno == ENOSPC && log) return clinux_bpf_tracepoint_program(instructions, count, license, NULL, 0, name);
    return fd;
}

int clinux_perf_tracepoint_attach(unsigned long long tracepoint, int program) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof attr;
    attr.config = tracepoint;
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    // One event on CPU 0 is enough: a program on a tracepoint runs on every CPU that hits it.
    int fd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0) return -1;
    if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, program) != 0 || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

unsigned long long clinux_load_acquire(const unsigned long long *where) {
    return __atomic_load_n(where, __ATOMIC_ACQUIRE);
}

unsigned int clinux_load_acquire32(const unsigned int *where) {
    return __atomic_load_n(where, __ATOMIC_ACQUIRE);
}

void clinux_store_release(unsigned long long *where, unsigned long long value) {
    __atomic_store_n(where, value, __ATOMIC_RELEASE);
}

long long clinux_bpf_program_misses(int program) {
    struct bpf_prog_info info;
    memset(&info, 0, sizeof info);
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.info.bpf_fd = (unsigned int)program;
    attr.info.info_len = sizeof info;
    attr.info.info = (unsigned long)&info;
    if (bpf_call(BPF_OBJ_GET_INFO_BY_FD, &attr) != 0) return -1;
    return (long long)info.recursion_misses;
}
