#ifndef CHTTPFETCH_H
#define CHTTPFETCH_H

/// The outcome of one download (`chttp_fetch_to_file`).
typedef struct {
    /// libcurl's result code: 0 on a completed transfer (any HTTP status), -1 when libcurl could
    /// not be loaded or the output file not opened.
    int code;
    /// The HTTP status of the last response (0 when there was none).
    long status;
    /// libcurl's error text, dlerror()'s, or the file error; empty when none.
    char message[512];
} chttp_result;

/// Downloads `url` into the file `path` (created or truncated) with libcurl, loaded with dlopen on
/// the first call, so a program that never downloads never loads libcurl or its TLS libraries.
/// Follows up to 5 redirects; `timeout_seconds` bounds the whole transfer. Thread-safe after the
/// first call. Returns `result->code`.
int chttp_fetch_to_file(const char *url, const char *path, double timeout_seconds, const char *user_agent, chttp_result *result);

#endif
