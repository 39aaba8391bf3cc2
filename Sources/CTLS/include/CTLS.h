// TLS through the system's OpenSSL 3 (Debian's libssl-dev), with memory BIOs: OpenSSL never
// touches the socket. sockscope feeds it the bytes it received and takes from it the bytes to
// send, with its own recv/send in its one poll loop — so byte counts, holds and the ladder stay
// the kernel's. Each function is a thin step; the state machine is in Swift (TLSStream).
#ifndef SOCKSCOPE_CTLS_H
#define SOCKSCOPE_CTLS_H

#include <stddef.h>

typedef struct ctls_session ctls_session;

/// A client session. `servername`: sent as SNI and, when `verify` is set, checked against the
/// certificate (NULL: neither); an IP address is checked against the certificate's addresses
/// and not sent. `ca_file`: trusted certificates (NULL: the system's).
/// Returns NULL with a reason in `error`.
ctls_session *ctls_client_new(const char *servername, int verify, const char *ca_file, char *error, size_t error_len);

void ctls_free(ctls_session *session);

/// Bytes received from the socket, for OpenSSL to read. Returns how many it took.
int ctls_feed(ctls_session *session, const void *bytes, size_t count);

/// Keeps the session's secrets as NSS key-log lines (SSLKEYLOGFILE's format), for
/// `ctls_take_keylog`. Off until called.
void ctls_keep_keylog(ctls_session *session);
/// The next key-log line kept (without its newline), copied into `buffer`; 0 when none is left,
/// else the line's length.
size_t ctls_take_keylog(ctls_session *session, char *buffer, size_t count);

/// Received bytes OpenSSL has not read yet (part of a record, or records after the one read).
size_t ctls_incoming(ctls_session *session);

/// Bytes OpenSSL has for the socket, and taking them (up to `count`; returns how many).
size_t ctls_outgoing(ctls_session *session);
int ctls_take(ctls_session *session, void *buffer, size_t count);

/// Results of the steps below.
enum { CTLS_DONE = 1, CTLS_WANT = 0, CTLS_CLOSED = -1, CTLS_FAILED = -2 };

/// One step of the handshake: CTLS_DONE, CTLS_WANT (more bytes from the peer), CTLS_FAILED.
int ctls_handshake(ctls_session *session);

/// Plaintext: bytes read (> 0), CTLS_WANT, CTLS_CLOSED (the peer's close_notify), CTLS_FAILED.
int ctls_read(ctls_session *session, void *buffer, size_t count);
/// Plaintext to send: bytes taken (> 0) or CTLS_FAILED.
int ctls_write(ctls_session *session, const void *bytes, size_t count);
/// Plaintext already decrypted, waiting to be read (SSL_pending).
int ctls_pending(ctls_session *session);
/// Our close_notify.
void ctls_close_notify(ctls_session *session);

/// Why the last step failed: the certificate's verification (with its depth) or the library's
/// reason; "" when nothing failed.
const char *ctls_failure(ctls_session *session);
/// The negotiated protocol version and cipher suite ("" before the handshake ends).
const char *ctls_version(ctls_session *session);
const char *ctls_cipher(ctls_session *session);

#endif
