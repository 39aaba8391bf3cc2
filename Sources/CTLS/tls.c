#include "CTLS.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctls_context {
    SSL_CTX *context;
    int client;
    int verify;
    /// ALPN protocols in wire format (each prefixed by its length).
    unsigned char alpn[256];
    size_t alpn_length;
};

struct ctls_session {
    SSL *ssl;
    BIO *incoming;  // what we received, for OpenSSL to read
    BIO *outgoing;  // what OpenSSL wrote, for us to send
    char failure[1024];
    /// The first certificate the verification refused: its depth in the chain and subject.
    int failed_depth;
    char failed_subject[256];
    /// Its DNS names and addresses, and the name we asked for: a mismatch says both.
    char failed_names[512];
    char asked[256];
    /// Key-log lines not taken yet, each ending in '\n' (a handful per handshake).
    char *keylog;
    size_t keylog_length;
    /// What the message callback saw (ctls_keep_records), not taken yet; `records_lost` counts
    /// what did not fit (the offsets of later records are then unknown).
    ctls_record_event *records;
    size_t records_count;
    size_t records_lost;
};

enum { RECORD_EVENTS = 512 };

/// Every record OpenSSL reads or writes (its header), what TLS 1.3 protects inside one, and the
/// handshake messages and alerts in them — in the order they pass, for the ladder.
static void keep_record(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl, void *arg) {
    (void)version;
    (void)arg;
    ctls_session *session = SSL_get_app_data(ssl);
    if (session == NULL || session->records == NULL) return;
    ctls_record_event event = {.sent = write_p ? 1 : 0};
    size_t wanted;
    switch (content_type) {
    case SSL3_RT_HEADER: event.kind = CTLS_RECORD_HEADER; wanted = 5; break;
    case SSL3_RT_INNER_CONTENT_TYPE: event.kind = CTLS_RECORD_INNER; wanted = 1; break;
    case SSL3_RT_HANDSHAKE: event.kind = CTLS_RECORD_HANDSHAKE; wanted = 1; break;
    case SSL3_RT_ALERT: event.kind = CTLS_RECORD_ALERT; wanted = 2; break;
    default: return;
    }
    if (len < wanted) return;
    memcpy(event.bytes, buf, wanted);
    // A ServerHello whose random is RFC 8446's fixed value is a HelloRetryRequest.
    static const unsigned char retry[32] = {
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
    if (event.kind == CTLS_RECORD_HANDSHAKE && event.bytes[0] == SSL3_MT_SERVER_HELLO && len >= 38 &&
        memcmp((const unsigned char *)buf + 6, retry, sizeof retry) == 0) {
        event.bytes[1] = 1;
    }
    if (session->records_count == RECORD_EVENTS) {
        session->records_lost++;
        return;
    }
    session->records[session->records_count++] = event;
}

int ctls_keep_records(ctls_session *session) {
    if (session->records == NULL) session->records = calloc(RECORD_EVENTS, sizeof *session->records);
    if (session->records == NULL) return 0;
    SSL_set_msg_callback(session->ssl, keep_record);
    return 1;
}

size_t ctls_take_records(ctls_session *session, ctls_record_event *events, size_t count, size_t *lost) {
    *lost = session->records_lost;
    session->records_lost = 0;
    size_t taken = session->records_count < count ? session->records_count : count;
    if (taken == 0) return 0;
    memcpy(events, session->records, taken * sizeof *events);
    memmove(session->records, session->records + taken, (session->records_count - taken) * sizeof *events);
    session->records_count -= taken;
    return taken;
}

static void keep_line(const SSL *ssl, const char *line) {
    ctls_session *session = SSL_get_app_data(ssl);
    if (session == NULL) return;
    size_t length = strlen(line);
    if (session->keylog_length + length + 1 > 65536) return;  // bounded: a handshake writes about 1 KiB
    char *grown = realloc(session->keylog, session->keylog_length + length + 1);
    if (grown == NULL) return;
    memcpy(grown + session->keylog_length, line, length);
    grown[session->keylog_length + length] = '\n';
    session->keylog = grown;
    session->keylog_length += length + 1;
}

void ctls_keep_keylog(ctls_context *context) { SSL_CTX_set_keylog_callback(context->context, keep_line); }

size_t ctls_take_keylog(ctls_session *session, char *buffer, size_t count) {
    if (session->keylog_length == 0 || count == 0) return 0;
    char *end = memchr(session->keylog, '\n', session->keylog_length);
    size_t line = end != NULL ? (size_t)(end - session->keylog) : session->keylog_length;
    size_t copied = line < count ? line : count;
    memcpy(buffer, session->keylog, copied);
    size_t rest = session->keylog_length - (end != NULL ? line + 1 : line);
    memmove(session->keylog, session->keylog + session->keylog_length - rest, rest);
    session->keylog_length = rest;
    return copied;
}

static void names_text(X509 *certificate, char *buffer, size_t count);

/// Remembers which certificate failed first; the verdict stays OpenSSL's.
static int note_verification(int ok, X509_STORE_CTX *store) {
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    ctls_session *session = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
    if (!ok && session != NULL && session->failed_depth < 0) {
        session->failed_depth = X509_STORE_CTX_get_error_depth(store);
        X509 *certificate = X509_STORE_CTX_get_current_cert(store);
        session->failed_subject[0] = '\0';
        if (certificate != NULL) {
            X509_NAME_oneline(X509_get_subject_name(certificate), session->failed_subject, sizeof session->failed_subject);
            names_text(certificate, session->failed_names, sizeof session->failed_names);
        }
    }
    return ok;
}

static void library_reason(char *into, size_t length, const char *fallback) {
    unsigned long code = ERR_get_error();
    if (code == 0) {
        snprintf(into, length, "%s", fallback);
        return;
    }
    // The reason alone ("wrong version number"), as s_client says it; else the whole code.
    const char *reason = ERR_reason_error_string(code);
    char whole[256];
    if (reason == NULL) {
        ERR_error_string_n(code, whole, sizeof whole);
        reason = whole;
    }
    snprintf(into, length, "%s", reason);
    ERR_clear_error();
}

/// Our certificate (with its chain) and key from PEM files; the key may be in the certificate's file.
static int use_certificate(SSL_CTX *context, const char *cert_file, const char *key_file) {
    return SSL_CTX_use_certificate_chain_file(context, cert_file) == 1
        && SSL_CTX_use_PrivateKey_file(context, key_file != NULL ? key_file : cert_file, SSL_FILETYPE_PEM) == 1
        && SSL_CTX_check_private_key(context) == 1;
}

ctls_context *ctls_client_context(int verify, const char *ca_file, const char *cert_file, const char *key_file,
                                  char *error, size_t error_len) {
    ctls_context *context = calloc(1, sizeof *context);
    if (context == NULL) {
        snprintf(error, error_len, "out of memory");
        return NULL;
    }
    context->client = 1;
    context->verify = verify;
    context->context = SSL_CTX_new(TLS_client_method());
    if (context->context == NULL) goto failed;
    SSL_CTX_set_min_proto_version(context->context, TLS1_2_VERSION);
    if (verify) {
        SSL_CTX_set_verify(context->context, SSL_VERIFY_PEER, note_verification);
        int loaded = ca_file != NULL ? SSL_CTX_load_verify_locations(context->context, ca_file, NULL)
                                     : SSL_CTX_set_default_verify_paths(context->context);
        if (loaded != 1) goto failed;
    }
    if (cert_file != NULL && !use_certificate(context->context, cert_file, key_file)) goto failed;
    return context;
failed:
    library_reason(error, error_len, "cannot set up TLS");
    ctls_context_free(context);
    return NULL;
}

/// A self-signed certificate for this run: ECDSA P-256, CN=sockscope, valid for a day.
static int make_certificate(SSL_CTX *context) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *certificate = X509_new();
    int made = 0;
    if (key == NULL || certificate == NULL) goto done;
    X509_set_version(certificate, 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) goto done;
    serial[0] &= 0x7f;
    BIGNUM *number = BN_bin2bn(serial, sizeof serial, NULL);
    if (number == NULL || BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) == NULL) {
        BN_free(number);
        goto done;
    }
    BN_free(number);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -60);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 24 * 3600);
    X509_NAME *name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"sockscope", -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    X509_set_pubkey(certificate, key);
    if (X509_sign(certificate, key, EVP_sha256()) == 0) goto done;
    made = SSL_CTX_use_certificate(context, certificate) == 1 && SSL_CTX_use_PrivateKey(context, key) == 1;
done:
    X509_free(certificate);
    EVP_PKEY_free(key);
    return made;
}

ctls_context *ctls_server_context(const char *cert_file, const char *key_file, char *fingerprint, char *error, size_t error_len) {
    fingerprint[0] = '\0';
    ctls_context *context = calloc(1, sizeof *context);
    if (context == NULL) {
        snprintf(error, error_len, "out of memory");
        return NULL;
    }
    context->context = SSL_CTX_new(TLS_server_method());
    if (context->context == NULL) goto failed;
    SSL_CTX_set_min_proto_version(context->context, TLS1_2_VERSION);
    // No session cache in the server: resumption goes through tickets, which the client keeps
    // (stateless), so a -k server that runs for days holds no session of every client it saw
    // (OpenSSL keeps up to 20,480, and sweeps them all every 255 handshakes).
    SSL_CTX_set_session_cache_mode(context->context, SSL_SESS_CACHE_OFF);
    if (cert_file != NULL) {
        if (!use_certificate(context->context, cert_file, key_file)) goto failed;
    } else if (!make_certificate(context->context)) {
        goto failed;
    }
    X509 *certificate = SSL_CTX_get0_certificate(context->context);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (certificate != NULL && X509_digest(certificate, EVP_sha256(), digest, &length) == 1) {
        for (unsigned int i = 0; i < length && i < 32; i++) {
            snprintf(fingerprint + 3 * i, 4, i + 1 < length ? "%02X:" : "%02X", digest[i]);
        }
    }
    return context;
failed:
    library_reason(error, error_len, "cannot set up TLS");
    ctls_context_free(context);
    return NULL;
}

static int version_number(const char *text, int *version) {
    if (text == NULL) {
        *version = 0;  // OpenSSL's own bound
        return 1;
    }
    if (strcmp(text, "1.2") == 0) *version = TLS1_2_VERSION;
    else if (strcmp(text, "1.3") == 0) *version = TLS1_3_VERSION;
    else return 0;
    return 1;
}

int ctls_context_versions(ctls_context *context, const char *min_version, const char *max_version, char *error, size_t error_len) {
    int lowest, highest;
    if (!version_number(min_version, &lowest) || !version_number(max_version, &highest)) {
        snprintf(error, error_len, "a TLS version is 1.2 or 1.3");
        return 0;
    }
    if (lowest == 0) lowest = TLS1_2_VERSION;
    if (SSL_CTX_set_min_proto_version(context->context, lowest) != 1
        || SSL_CTX_set_max_proto_version(context->context, highest) != 1) {
        library_reason(error, error_len, "cannot limit the TLS versions");
        return 0;
    }
    return 1;
}

/// A server's choice: its first protocol that the client offers; none in common, no ALPN.
static int choose_protocol(SSL *ssl, const unsigned char **out, unsigned char *out_length, const unsigned char *offered,
                           unsigned int offered_length, void *argument) {
    (void)ssl;
    ctls_context *context = argument;
    unsigned char *chosen = NULL;
    if (SSL_select_next_proto(&chosen, out_length, context->alpn, (unsigned int)context->alpn_length, offered, offered_length)
        != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

int ctls_context_alpn(ctls_context *context, const char *protocols, char *error, size_t error_len) {
    size_t length = 0;
    const char *start = protocols;
    while (1) {
        const char *comma = strchr(start, ',');
        size_t name = comma != NULL ? (size_t)(comma - start) : strlen(start);
        if (name == 0 || name > 255 || length + 1 + name > sizeof context->alpn) {
            snprintf(error, error_len, "--tls-alpn: names of 1 to 255 bytes, separated by commas, 255 bytes in all");
            return 0;
        }
        context->alpn[length] = (unsigned char)name;
        memcpy(context->alpn + length + 1, start, name);
        length += 1 + name;
        if (comma == NULL) break;
        start = comma + 1;
    }
    context->alpn_length = length;
    if (context->client) {
        if (SSL_CTX_set_alpn_protos(context->context, context->alpn, (unsigned int)length) != 0) {
            library_reason(error, error_len, "cannot offer ALPN");
            return 0;
        }
    } else {
        SSL_CTX_set_alpn_select_cb(context->context, choose_protocol, context);
    }
    return 1;
}

int ctls_context_verify_clients(ctls_context *context, const char *ca_file, char *error, size_t error_len) {
    SSL_CTX_set_verify(context->context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, note_verification);
    int loaded = ca_file != NULL ? SSL_CTX_load_verify_locations(context->context, ca_file, NULL)
                                 : SSL_CTX_set_default_verify_paths(context->context);
    if (loaded != 1) {
        library_reason(error, error_len, "cannot load the trusted certificates");
        return 0;
    }
    if (ca_file != NULL) SSL_CTX_set_client_CA_list(context->context, SSL_load_client_CA_file(ca_file));
    context->verify = 1;
    return 1;
}

void ctls_context_free(ctls_context *context) {
    if (context == NULL) return;
    SSL_CTX_free(context->context);
    free(context);
}

ctls_session *ctls_session_new(ctls_context *context, const char *servername, char *error, size_t error_len) {
    ctls_session *session = calloc(1, sizeof *session);
    if (session == NULL) {
        snprintf(error, error_len, "out of memory");
        return NULL;
    }
    session->failed_depth = -1;
    session->ssl = SSL_new(context->context);
    if (session->ssl == NULL) goto failed;
    SSL_set_app_data(session->ssl, session);
    session->incoming = BIO_new(BIO_s_mem());
    session->outgoing = BIO_new(BIO_s_mem());
    if (session->incoming == NULL || session->outgoing == NULL) goto failed;
    // A read from an empty memory BIO means "more is coming", not end of stream.
    BIO_set_mem_eof_return(session->incoming, -1);
    SSL_set_bio(session->ssl, session->incoming, session->outgoing);
    if (!context->client) {
        SSL_set_accept_state(session->ssl);
        return session;
    }
    SSL_set_connect_state(session->ssl);
    if (servername != NULL && servername[0] != '\0') {
        snprintf(session->asked, sizeof session->asked, "%s", servername);
        unsigned char address[16];
        if (inet_pton(AF_INET, servername, address) == 1 || inet_pton(AF_INET6, servername, address) == 1) {
            // An address is never sent as SNI (RFC 6066); it is checked against the IP SANs.
            if (context->verify && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session->ssl), servername) != 1) goto failed;
        } else {
            if (SSL_set_tlsext_host_name(session->ssl, servername) != 1) goto failed;
            if (context->verify && SSL_set1_host(session->ssl, servername) != 1) goto failed;
        }
    }
    return session;
failed:
    library_reason(error, error_len, "cannot set up TLS");
    if (session->ssl == NULL) {
        if (session->incoming) BIO_free(session->incoming);
        if (session->outgoing) BIO_free(session->outgoing);
    }
    if (session->ssl) SSL_free(session->ssl);
    free(session);
    return NULL;
}

void ctls_free(ctls_session *session) {
    if (session == NULL) return;
    SSL_free(session->ssl);  // frees both BIOs
    free(session->keylog);
    free(session->records);
    free(session);
}

int ctls_feed(ctls_session *session, const void *bytes, size_t count) {
    if (count == 0) return 0;
    int n = BIO_write(session->incoming, bytes, count > 0x7fffffff ? 0x7fffffff : (int)count);
    return n > 0 ? n : 0;
}

size_t ctls_incoming(ctls_session *session) { return BIO_ctrl_pending(session->incoming); }

size_t ctls_outgoing(ctls_session *session) { return BIO_ctrl_pending(session->outgoing); }

int ctls_take(ctls_session *session, void *buffer, size_t count) {
    if (count == 0) return 0;
    int n = BIO_read(session->outgoing, buffer, count > 0x7fffffff ? 0x7fffffff : (int)count);
    return n > 0 ? n : 0;
}

/// What a failed step says: the certificate's verification first (it explains a handshake
/// failure better than the alert it causes), else the library's reason.
static int failed(ctls_session *session, int result) {
    int error = SSL_get_error(session->ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return CTLS_WANT;
    if (error == SSL_ERROR_ZERO_RETURN) return CTLS_CLOSED;
    long verified = SSL_get_verify_result(session->ssl);
    if (verified != X509_V_OK) {
        if ((verified == X509_V_ERR_HOSTNAME_MISMATCH || verified == X509_V_ERR_IP_ADDRESS_MISMATCH) && session->failed_depth >= 0) {
            // Both names: the one asked for, and the ones the certificate holds.
            snprintf(session->failure, sizeof session->failure,
                     "certificate verification failed: %s: asked for %s, the certificate names %s (depth %d, %s)",
                     X509_verify_cert_error_string(verified), session->asked,
                     session->failed_names[0] != '\0' ? session->failed_names : "none besides its subject",
                     session->failed_depth, session->failed_subject);
        } else if (session->failed_depth >= 0) {
            snprintf(session->failure, sizeof session->failure, "certificate verification failed: %s (depth %d, %s)",
                     X509_verify_cert_error_string(verified), session->failed_depth, session->failed_subject);
        } else {
            snprintf(session->failure, sizeof session->failure, "certificate verification failed: %s",
                     X509_verify_cert_error_string(verified));
        }
        ERR_clear_error();
    } else {
        library_reason(session->failure, sizeof session->failure, "TLS failed");
    }
    return CTLS_FAILED;
}

int ctls_handshake(ctls_session *session) {
    int result = SSL_do_handshake(session->ssl);
    return result == 1 ? CTLS_DONE : failed(session, result);
}

int ctls_read(ctls_session *session, void *buffer, size_t count) {
    int result = SSL_read(session->ssl, buffer, count > 0x7fffffff ? 0x7fffffff : (int)count);
    return result > 0 ? result : failed(session, result);
}

int ctls_write(ctls_session *session, const void *bytes, size_t count) {
    if (count == 0) return 0;
    int result = SSL_write(session->ssl, bytes, count > 0x7fffffff ? 0x7fffffff : (int)count);
    return result > 0 ? result : failed(session, result);
}

int ctls_pending(ctls_session *session) { return SSL_pending(session->ssl); }

void ctls_close_notify(ctls_session *session) {
    SSL_shutdown(session->ssl);
    ERR_clear_error();
}

const char *ctls_failure(ctls_session *session) { return session->failure; }

const char *ctls_version(ctls_session *session) {
    return SSL_is_init_finished(session->ssl) ? SSL_get_version(session->ssl) : "";
}

const char *ctls_cipher(ctls_session *session) {
    const char *name = SSL_is_init_finished(session->ssl) ? SSL_get_cipher_name(session->ssl) : NULL;
    return name != NULL ? name : "";
}

const char *ctls_requested_name(ctls_session *session) {
    const char *name = SSL_get_servername(session->ssl, TLSEXT_NAMETYPE_host_name);
    return name != NULL ? name : "";
}

size_t ctls_alpn(ctls_session *session, char *buffer, size_t count) {
    const unsigned char *protocol = NULL;
    unsigned int length = 0;
    SSL_get0_alpn_selected(session->ssl, &protocol, &length);
    if (protocol == NULL || length == 0 || count == 0) return 0;
    size_t copied = length < count - 1 ? length : count - 1;
    memcpy(buffer, protocol, copied);
    buffer[copied] = '\0';
    return copied;
}

size_t ctls_peer_subject(ctls_session *session, char *buffer, size_t count) {
    X509 *certificate = SSL_get0_peer_certificate(session->ssl);
    if (certificate == NULL || count == 0) return 0;
    X509_NAME_oneline(X509_get_subject_name(certificate), buffer, (int)(count > 0x7fffffff ? 0x7fffffff : count));
    return strlen(buffer);
}

/// `2026-12-07 01:02:03 UTC`, or "" when the time does not parse.
static void time_text(const ASN1_TIME *time, char *buffer, size_t count) {
    struct tm parts;
    buffer[0] = '\0';
    if (time == NULL || ASN1_TIME_to_tm(time, &parts) != 1) return;
    strftime(buffer, count, "%Y-%m-%d %H:%M:%S UTC", &parts);
}

/// The certificate's DNS names and addresses: `DNS:localhost, IP:127.0.0.1`.
static void names_text(X509 *certificate, char *buffer, size_t count) {
    buffer[0] = '\0';
    GENERAL_NAMES *names = X509_get_ext_d2i(certificate, NID_subject_alt_name, NULL, NULL);
    if (names == NULL) return;
    size_t used = 0;
    for (int index = 0; index < sk_GENERAL_NAME_num(names); index++) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, index);
        char one[300] = "";
        if (name->type == GEN_DNS) {
            const ASN1_IA5STRING *dns = name->d.dNSName;
            snprintf(one, sizeof one, "DNS:%.*s", dns->length > 255 ? 255 : dns->length, (const char *)dns->data);
        } else if (name->type == GEN_IPADD && (name->d.iPAddress->length == 4 || name->d.iPAddress->length == 16)) {
            char address[INET6_ADDRSTRLEN] = "";
            inet_ntop(name->d.iPAddress->length == 4 ? AF_INET : AF_INET6, name->d.iPAddress->data, address, sizeof address);
            snprintf(one, sizeof one, "IP:%s", address);
        } else {
            continue;
        }
        int written = snprintf(buffer + used, count - used, "%s%s", used > 0 ? ", " : "", one);
        if (written < 0 || (size_t)written >= count - used) break;  // the rest does not fit
        used += (size_t)written;
    }
    GENERAL_NAMES_free(names);
}

static void describe(X509 *certificate, ctls_certificate *out) {
    memset(out, 0, sizeof *out);
    X509_NAME_oneline(X509_get_subject_name(certificate), out->subject, sizeof out->subject);
    X509_NAME_oneline(X509_get_issuer_name(certificate), out->issuer, sizeof out->issuer);
    names_text(certificate, out->names, sizeof out->names);
    time_text(X509_get0_notBefore(certificate), out->not_before, sizeof out->not_before);
    time_text(X509_get0_notAfter(certificate), out->not_after, sizeof out->not_after);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &length) == 1) {
        for (unsigned int index = 0; index < length && index * 3 + 3 <= sizeof out->sha256; index++) {
            snprintf(out->sha256 + index * 3, 4, index + 1 < length ? "%02X:" : "%02X", digest[index]);
        }
    }
}

size_t ctls_peer_chain(ctls_session *session, int verified, ctls_certificate *out, size_t count) {
    size_t found = 0;
    if (verified) {
        STACK_OF(X509) *chain = SSL_get0_verified_chain(session->ssl);
        for (int index = 0; chain != NULL && index < sk_X509_num(chain); index++, found++) {
            if (found < count) describe(sk_X509_value(chain, index), &out[found]);
        }
        return found;
    }
    // A client's peer chain starts with the server's own certificate; a server's leaves the
    // client's own out (SSL_get_peer_cert_chain): it is put first here.
    X509 *leaf = SSL_get0_peer_certificate(session->ssl);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(session->ssl);
    if (leaf != NULL && (chain == NULL || sk_X509_num(chain) == 0 || X509_cmp(sk_X509_value(chain, 0), leaf) != 0)) {
        if (found < count) describe(leaf, &out[found]);
        found++;
    }
    for (int index = 0; chain != NULL && index < sk_X509_num(chain); index++, found++) {
        if (found < count) describe(sk_X509_value(chain, index), &out[found]);
    }
    return found;
}

size_t ctls_own_certificate(ctls_session *session, ctls_certificate *out) {
    X509 *certificate = SSL_get_certificate(session->ssl);
    if (certificate == NULL) return 0;
    describe(certificate, out);
    return 1;
}

size_t ctls_group(ctls_session *session, char *buffer, size_t count) {
    EVP_PKEY *key = NULL;
    if (count == 0) return 0;
    buffer[0] = '\0';
    if (SSL_get_peer_tmp_key(session->ssl, &key) != 1 || key == NULL) {
        if (SSL_get_tmp_key(session->ssl, &key) != 1 || key == NULL) return 0;
    }
    size_t length = 0;
    if (EVP_PKEY_get_group_name(key, buffer, count, &length) != 1) {
        const char *type = EVP_PKEY_get0_type_name(key);  // X25519, X448: no group, a type
        snprintf(buffer, count, "%s", type != NULL ? type : "");
    }
    EVP_PKEY_free(key);
    return strlen(buffer);
}

int ctls_resumed(ctls_session *session) { return SSL_session_reused(session->ssl); }

const char *ctls_verify_result(ctls_session *session) {
    long result = SSL_get_verify_result(session->ssl);
    return result == X509_V_OK ? "" : X509_verify_cert_error_string(result);
}
