#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
/* Types and constants of libcurl only: the library itself is loaded with dlopen on first use
   (so a kernel that never calls Globus does not pay for libcurl's dependencies at start-up).
   curl_easy_setopt and curl_easy_getinfo are variadic; these trampolines call them, through the
   resolved function pointer, with the right prototype. */
#include <curl/curl.h>

typedef CURLcode (*gk_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*gk_getinfo_fn)(CURL *, CURLINFO, ...);
typedef size_t (*gk_write_fn)(char *, size_t, size_t, void *);
typedef int (*gk_progress_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

static inline CURLcode gk_setopt_long(void *f, CURL *h, CURLoption o, long v) { return ((gk_setopt_fn)f)(h, o, v); }
static inline CURLcode gk_setopt_string(void *f, CURL *h, CURLoption o, const char *v) { return ((gk_setopt_fn)f)(h, o, v); }
static inline CURLcode gk_setopt_pointer(void *f, CURL *h, CURLoption o, void *v) { return ((gk_setopt_fn)f)(h, o, v); }
static inline CURLcode gk_setopt_off(void *f, CURL *h, CURLoption o, curl_off_t v) { return ((gk_setopt_fn)f)(h, o, v); }
static inline CURLcode gk_setopt_slist(void *f, CURL *h, CURLoption o, struct curl_slist *v) { return ((gk_setopt_fn)f)(h, o, v); }
static inline CURLcode gk_setopt_blob(void *f, CURL *h, const void *data, long len) {
    CURLcode rc = ((gk_setopt_fn)f)(h, CURLOPT_POSTFIELDSIZE, len);
    if (rc != CURLE_OK) return rc;
    return ((gk_setopt_fn)f)(h, CURLOPT_COPYPOSTFIELDS, data);
}
static inline CURLcode gk_setopt_write(void *f, CURL *h, CURLoption o, gk_write_fn cb) { return ((gk_setopt_fn)f)(h, o, cb); }
static inline CURLcode gk_setopt_progress(void *f, CURL *h, gk_progress_fn cb) { return ((gk_setopt_fn)f)(h, CURLOPT_XFERINFOFUNCTION, cb); }
static inline CURLcode gk_getinfo_long(void *f, CURL *h, CURLINFO i, long *v) { return ((gk_getinfo_fn)f)(h, i, v); }
#endif
