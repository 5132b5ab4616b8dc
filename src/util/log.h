/*
 * log.h - one event per line, key=value (logfmt) or JSON, to stderr.
 *
 * A line is "ts=... level=... event=... req=... <pairs>".  The request id is
 * per thread: the server sets it while it handles a request, so every line
 * logged below can be tied to the response that carried the same id.
 * Values are quoted and escaped as logfmt requires.  Never log confidential
 * content: callers pass identifiers, not payloads.
 */
#ifndef DIP_LOG_H
#define DIP_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lv);
/* Whether events of level lv are written: a caller can skip formatting
 * what would be dropped. */
int log_enabled(enum log_level lv);
void log_set_json(int on);
/* Parses "debug", "info", "warn", "error"; 0 or DIP_EINVAL. */
int log_parse_level(const char *s, enum log_level *out);
/* The id of the request this thread is serving, or "" (copied). */
void log_set_request_id(const char *id);
const char *log_request_id(void);

/* Logs one event.  The variadic part is pairs of const char * key, value,
 * ended by NULL: log_event(LOG_INFO, "submit", "app", id, NULL). */
void log_event(enum log_level lv, const char *event, ...) __attribute__((sentinel));

#endif
