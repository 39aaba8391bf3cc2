// TLS through the system's OpenSSL 3 (Debian's libssl-dev), with memory BIOs: OpenSSL never
// touches the socket. sockscope feeds it the bytes it received and takes from it the bytes to
// send, with its own recv/send in its one poll loop — so byte counts, holds and the ladder stay
// the kernel's. Each function is a thin step; the state machine is in Swift (TLSStream).
#ifndef SOCKSCOPE_CTLS_H
#define SOCKSCOPE_CTLS_H

#include <stddef.h>

/// What a run's connections share: the role, the trusted certificates or our own, the key log.
typedef struct ctls_context ctls_context;
/// One connection's TLS.
typedef struct ctls_session ctls_session;

/// A client's: `verify` the server's certificate against `ca_file` (NULL: the system's); our
/// own certificate and key from `cert_file` and `key_file` when a server asks (NULL: none).
/// Returns NULL with a reason in `error`.
ctls_context *ctls_client_context(int verify, const char *ca_file, const char *cert_file, const char *key_file,
                                  char *error, size_t error_len);

/// A server's, with the certificate and key in `cert_file` and `key_file` (PEM); with both NULL,
/// a temporary self-signed one (ECDSA P-256, CN=sockscope, a day) made now. Its SHA-256
/// fingerprint, as colon-separated hex, goes into `fingerprint` (at least 96 bytes).
ctls_context *ctls_server_context(const char *cert_file, const char *key_file, char *fingerprint, char *error, size_t error_len);

void ctls_context_free(ctls_context *context);

/// The protocol versions allowed, each "1.2", "1.3" or NULL (OpenSSL's bound). 0 on failure.
int ctls_context_versions(ctls_context *context, const char *min_version, const char *max_version, char *error, size_t error_len);
/// ALPN: `protocols` comma-separated ("h2,http/1.1"), offered by a client in that order, or the
/// ones a server accepts in its order of preference (a client offering none of them gets no
/// ALPN). 0 on failure (a name of 0 or more than 255 bytes, more than 255 bytes in all).
int ctls_context_alpn(ctls_context *context, const char *protocols, char *error, size_t error_len);
/// A server's: every client must present a certificate, verified against `ca_file` (NULL: the
/// system's trusted certificates). 0 on failure.
int ctls_context_verify_clients(ctls_context *context, const char *ca_file, char *error, size_t error_len);

/// Keeps each session's secrets as NSS key-log lines (SSLKEYLOGFILE's format), for
/// `ctls_take_keylog`. Off until called.
void ctls_keep_keylog(ctls_context *context);

/// A session of this context. For a client, `servername` is sent as SNI and, when verifying,
/// checked against the certificate (NULL: neither); an IP address is checked against the
/// certificate's addresses and not sent. Returns NULL with a reason in `error`.
ctls_session *ctls_session_new(ctls_context *context, const char *servername, char *error, size_t error_len);

void ctls_free(ctls_session *session);

/// The next key-log line kept (without its newline), copied into `buffer`; 0 when none is left,
/// else the line's length.
size_t ctls_take_keylog(ctls_session *session, char *buffer, size_t count);

/// What OpenSSL's message callback saw: a record's header (5 bytes: type, version, length), the
/// content type TLS 1.3 protects inside the record just seen, a handshake message's type (and 1
/// after it for a ServerHello that is a HelloRetryRequest), or an alert (level, description);
/// `sent` for ours.
enum { CTLS_RECORD_HEADER = 0, CTLS_RECORD_INNER = 1, CTLS_RECORD_HANDSHAKE = 2, CTLS_RECORD_ALERT = 3 };
typedef struct {
    unsigned char sent;
    unsigned char kind;
    unsigned char bytes[5];
} ctls_record_event;

/// Keeps the records' events for `ctls_take_records` (a bounded queue: take them after every
/// step). 0 when out of memory.
int ctls_keep_records(ctls_session *session);
/// Up to `count` events, oldest first; `lost` says how many did not fit since the last call.
size_t ctls_take_records(ctls_session *session, ctls_record_event *events, size_t count, size_t *lost);

/// Received bytes OpenSSL has not read yet (part of a record, or records after the one read).
size_t ctls_incoming(ctls_session *session);

/// Bytes received from the socket, for OpenSSL to read. Returns how many it took.
int ctls_feed(ctls_session *session, const void *bytes, size_t count);

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
/// The name the client sent as SNI (a server's session; "" when none).
const char *ctls_requested_name(ctls_session *session);
/// The application protocol agreed by ALPN, into `buffer` (at most 255 bytes and a NUL); 0 when none.
size_t ctls_alpn(ctls_session *session, char *buffer, size_t count);
/// The peer's certificate's subject, one line, into `buffer`; 0 when it sent none.
size_t ctls_peer_subject(ctls_session *session, char *buffer, size_t count);

/// A certificate as the overlay shows it (subject and issuer as one line each, the DNS names and
/// addresses, the validity in UTC, the SHA-256 fingerprint as colon-separated hex).
typedef struct {
    char subject[256];
    char issuer[256];
    char names[512];
    char not_before[32];
    char not_after[32];
    char sha256[96];
} ctls_certificate;

/// The peer's chain as it sent it (`verified` 0, its own certificate first) or as verification
/// built it (1, up to the trusted root): up to `count` into `out`; returns how many there are.
size_t ctls_peer_chain(ctls_session *session, int verified, ctls_certificate *out, size_t count);
/// Our own certificate, as sent: 1, or 0 when we sent none.
size_t ctls_own_certificate(ctls_session *session, ctls_certificate *out);
/// The key exchange's group (`X25519`, `prime256v1`) into `buffer`; 0 when unknown.
size_t ctls_group(ctls_session *session, char *buffer, size_t count);
/// Whether the session was resumed from an earlier one.
int ctls_resumed(ctls_session *session);
/// What the peer's certificate's verification found ("" when it passed) — said even when
/// verification was turned off, as what it would have refused.
const char *ctls_verify_result(ctls_session *session);

/// SHA-256 through OpenSSL's EVP (SHA-NI where the CPU has it): `sockscope send` and `serve
/// receive` prove a file arrived whole. NULL when OpenSSL cannot make one.
typedef struct ctls_digest ctls_digest;
ctls_digest *ctls_sha256_new(void);
/// Adds `count` bytes; 0 on failure.
int ctls_sha256_update(ctls_digest *digest, const void *bytes, size_t count);
/// The 32-byte digest into `out`, once; 0 on failure.
int ctls_sha256_final(ctls_digest *digest, unsigned char *out);
void ctls_sha256_free(ctls_digest *digest);

#endif
