// A lean HTTP(S) download for `obsscale data fetch`: libcurl's easy interface, loaded at run time.
//
// Linking libcurl (or Foundation's URLSession, which links it) makes every run of the program
// load libcurl and its ~30 TLS, compression and authentication libraries at start, although only
// `data fetch` downloads anything. Here libcurl is opened with dlopen when the first download
// starts. The few entry points and option numbers used are libcurl's stable ABI (curl/curl.h,
// unchanged since libcurl 7.x), declared below so no curl headers are needed to build.
#include "CHTTPFetch.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef void CURL;
enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_ERRORBUFFER = 10010, OPT_USERAGENT = 10018,
    OPT_FOLLOWLOCATION = 52, OPT_MAXREDIRS = 68, OPT_NOSIGNAL = 99, OPT_TIMEOUT_MS = 155,
    OPT_CONNECTTIMEOUT_MS = 156, INFO_RESPONSE_CODE = 0x200002, GLOBAL_DEFAULT = 3, ERROR_SIZE = 256
};

static struct {
    int (*global_init)(long);
    CURL *(*easy_init)(void);
    int (*easy_setopt)(CURL *, int, ...);
    int (*easy_perform)(CURL *);
    int (*easy_getinfo)(CURL *, int, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(int);
    char load_error[400];
} curl;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void load_curl(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.4.dylib", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        snprintf(curl.load_error, sizeof curl.load_error, "libcurl is not installed (%s)", reason ? reason : "dlopen failed");
        return;
    }
    *(void **)&curl.global_init = dlsym(library, "curl_global_init");
    *(void **)&curl.easy_init = dlsym(library, "curl_easy_init");
    *(void **)&curl.easy_setopt = dlsym(library, "curl_easy_setopt");
    *(void **)&curl.easy_perform = dlsym(library, "curl_easy_perform");
    *(void **)&curl.easy_getinfo = dlsym(library, "curl_easy_getinfo");
    *(void **)&curl.easy_cleanup = dlsym(library, "curl_easy_cleanup");
    *(void **)&curl.easy_strerror = dlsym(library, "curl_easy_strerror");
    if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo ||
        !curl.easy_cleanup || !curl.easy_strerror) {
        snprintf(curl.load_error, sizeof curl.load_error, "the libcurl found lacks the easy interface");
        curl.easy_init = NULL;
        return;
    }
    if (curl.global_init(GLOBAL_DEFAULT) != 0) {
        snprintf(curl.load_error, sizeof curl.load_error, "libcurl failed to initialise");
        curl.easy_init = NULL;
    }
}

static int fail(chttp_result *result, const char *message) {
    result->code = -1;
    snprintf(result->message, sizeof result->message, "%s", message);
    return -1;
}

int chttp_fetch_to_file(const char *url, const char *path, double timeout_seconds, const char *user_agent, chttp_result *result) {
    result->code = 0;
    result->status = 0;
    result->message[0] = '\0';
    pthread_once(&curl_once, load_curl);
    if (!curl.easy_init) return fail(result, curl.load_error);
    FILE *file = fopen(path, "wb");
    if (!file) {
        char message[400];
        snprintf(message, sizeof message, "cannot write %s: %s", path, strerror(errno));
        return fail(result, message);
    }
    CURL *handle = curl.easy_init();
    if (!handle) {
        fclose(file);
        return fail(result, "libcurl could not create a transfer");
    }
    char error[ERROR_SIZE] = {0};
    long milliseconds = (long)(timeout_seconds * 1000.0);
    if (milliseconds < 1) milliseconds = 1;
    curl.easy_setopt(handle, OPT_URL, url);
    curl.easy_setopt(handle, OPT_WRITEDATA, (void *)file);
    curl.easy_setopt(handle, OPT_ERRORBUFFER, error);
    curl.easy_setopt(handle, OPT_USERAGENT, user_agent);
    curl.easy_setopt(handle, OPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(handle, OPT_MAXREDIRS, 5L);
    curl.easy_setopt(handle, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, OPT_TIMEOUT_MS, milliseconds);
    curl.easy_setopt(handle, OPT_CONNECTTIMEOUT_MS, milliseconds);
    int code = curl.easy_perform(handle);
    long status = 0;
    curl.easy_getinfo(handle, INFO_RESPONSE_CODE, &status);
    curl.easy_cleanup(handle);
    if (fclose(file) != 0 && code == 0) return fail(result, "cannot finish writing the download");
    result->code = code;
    result->status = status;
    if (code != 0) snprintf(result->message, sizeof result->message, "%s", error[0] ? error : curl.easy_strerror(code));
    return code;
}
