#include "CTLS.h"

#include <openssl/evp.h>

// The EVP context is the digest: OpenSSL picks the fastest implementation for this CPU.
struct ctls_digest {
    EVP_MD_CTX *context;
};

ctls_digest *ctls_sha256_new(void) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return NULL;
    if (EVP_DigestInit_ex(context, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    ctls_digest *digest = OPENSSL_malloc(sizeof *digest);
    if (digest == NULL) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    digest->context = context;
    return digest;
}

int ctls_sha256_update(ctls_digest *digest, const void *bytes, size_t count) {
    return EVP_DigestUpdate(digest->context, bytes, count) == 1;
}

int ctls_sha256_final(ctls_digest *digest, unsigned char *out) {
    unsigned int length = 0;
    return EVP_DigestFinal_ex(digest->context, out, &length) == 1 && length == 32;
}

void ctls_sha256_free(ctls_digest *digest) {
    if (digest == NULL) return;
    EVP_MD_CTX_free(digest->context);
    OPENSSL_free(digest);
}
