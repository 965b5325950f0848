/* The line protocol of docs/protocol.md: JSON objects out (one a line, each
 * with seq and t), command lines in (words, JSON strings, repeat bodies). */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int req_no;
static unsigned long long out_seq;

/* ---------- output ---------- */

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* nobody reads: results are lost, the lab goes on to EOF */
		}
		p += w;
		n -= (size_t)w;
	}
}

void obj_begin(struct sbuf *b, const char *type)
{
	sb_reset(b);
	sb_printf(b, "{\"seq\":%llu,\"t\":%lld,\"type\":\"%s\"", out_seq++, (long long)mono_ns(), type);
}

void obj_end(struct sbuf *b)
{
	sb_puts(b, "}\n");
	write_all(b->p, b->len);
}

void event_named(const char *ev, struct task *t, const char *k2, const char *v2)
{
	static struct sbuf b;
	obj_begin(&b, "event");
	sb_printf(&b, ",\"event\":\"%s\",\"name\":", ev);
	sb_jstr(&b, t->name);
	if (k2) {
		sb_printf(&b, ",\"%s\":", k2);
		sb_jstr(&b, v2);
	}
	obj_end(&b);
}

/* split a line into words; JSON strings decoded; ';' at a word's end split */
int tokenize(const char *s, char *o, char **w, int maxw, char *err, size_t errlen)
{
	int n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n >= maxw - 1) {
			snprintf(err, errlen, "too many words");
			return -1;
		}
		if (*s == '"') {
			char *start = o;
			s++;
			for (;;) {
				if (!*s) {
					snprintf(err, errlen, "unterminated string");
					return -1;
				}
				if (*s == '"') {
					s++;
					break;
				}
				if (*s == '\\') {
					s++;
					char c = *s++;
					switch (c) {
					case '"': *o++ = '"'; break;
					case '\\': *o++ = '\\'; break;
					case '/': *o++ = '/'; break;
					case 'b': *o++ = '\b'; break;
					case 'f': *o++ = '\f'; break;
					case 'n': *o++ = '\n'; break;
					case 'r': *o++ = '\r'; break;
					case 't': *o++ = '\t'; break;
					case 'u': {
						unsigned cp = 0;
						for (int i = 0; i < 4; i++) {
							char h = *s++;
							cp <<= 4;
							if (h >= '0' && h <= '9')
								cp |= (unsigned)(h - '0');
							else if (h >= 'a' && h <= 'f')
								cp |= (unsigned)(h - 'a' + 10);
							else if (h >= 'A' && h <= 'F')
								cp |= (unsigned)(h - 'A' + 10);
							else {
								snprintf(err, errlen, "bad \\u escape");
								return -1;
							}
						}
						if (cp >= 0xd800 && cp <= 0xdbff && s[0] == '\\' && s[1] == 'u') {
							unsigned lo = 0;
							int okh = 1;
							/* stop at the first non-hex digit: the line's NUL may
							 * be one of them, and nothing past it is ours */
							for (int i = 2; i < 6 && okh; i++) {
								char h = s[i];
								lo <<= 4;
								if (h >= '0' && h <= '9')
									lo |= (unsigned)(h - '0');
								else if (h >= 'a' && h <= 'f')
									lo |= (unsigned)(h - 'a' + 10);
								else if (h >= 'A' && h <= 'F')
									lo |= (unsigned)(h - 'A' + 10);
								else
									okh = 0;
							}
							if (okh && lo >= 0xdc00 && lo <= 0xdfff) {
								cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
								s += 6;
							}
						}
						if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
							snprintf(err, errlen, "bad character in string");
							return -1;
						}
						if (cp < 0x80)
							*o++ = (char)cp;
						else if (cp < 0x800) {
							*o++ = (char)(0xc0 | (cp >> 6));
							*o++ = (char)(0x80 | (cp & 0x3f));
						} else if (cp < 0x10000) {
							*o++ = (char)(0xe0 | (cp >> 12));
							*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
							*o++ = (char)(0x80 | (cp & 0x3f));
						} else {
							*o++ = (char)(0xf0 | (cp >> 18));
							*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
							*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
							*o++ = (char)(0x80 | (cp & 0x3f));
						}
						break;
					}
					default:
						snprintf(err, errlen, "bad escape in string");
						return -1;
					}
				} else {
					*o++ = *s++;
				}
			}
			if (*s && *s != ' ' && *s != '\t') {
				snprintf(err, errlen, "a string must end its word");
				return -1;
			}
			*o++ = 0;
			w[n++] = start;
			/* the decoded text is never longer than its source */
		} else {
			char *start = o;
			while (*s && *s != ' ' && *s != '\t')
				*o++ = *s++;
			size_t l = (size_t)(o - start);
			if (l > 1 && start[l - 1] == ';') {
				*(o - 1) = 0;
				w[n++] = start;
				if (n >= maxw - 1) {
					snprintf(err, errlen, "too many words");
					return -1;
				}
				o++;
				*(o - 1) = ';';
				*o++ = 0;
				w[n++] = o - 2;
				continue;
			}
			*o++ = 0;
			w[n++] = start;
		}
		if (*s)
			s++;
	}
	w[n] = NULL;
	return n;
}

void free_nodes(struct node *n, int count)
{
	for (int i = 0; i < count; i++) {
		free(n[i].argv);
		free_nodes(n[i].body, n[i].nbody);
		free(n[i].body);
	}
}

/* one command: words up to ';' '}' or the end; repeat N { ... } */
static int parse_cmd(char **w, int n, int *pos, int depth, struct node *nd, char *err, size_t errlen)
{
	memset(nd, 0, sizeof *nd);
	int start = *pos;
	if (start >= n || !strcmp(w[start], ";") || !strcmp(w[start], "}") || !strcmp(w[start], "{")) {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	if (!strcmp(w[start], "repeat")) {
		if (depth >= MAX_DEPTH) {
			snprintf(err, errlen, "repeat nested too deep");
			return -1;
		}
		if (start + 2 >= n || strcmp(w[start + 2], "{")) {
			snprintf(err, errlen, "repeat needs: repeat N { CMD ; ... }");
			return -1;
		}
		nd->argc = 2;
		nd->argv = malloc(3 * sizeof(char *));
		nd->argv[0] = w[start];
		nd->argv[1] = w[start + 1];
		nd->argv[2] = NULL;
		*pos = start + 3;
		if (parse_seq(w, n, pos, depth + 1, &nd->body, &nd->nbody, err, errlen) < 0)
			return -1;
		if (*pos >= n || strcmp(w[*pos], "}")) {
			snprintf(err, errlen, "unbalanced braces: missing '}'");
			return -1;
		}
		(*pos)++;
		return 0;
	}
	int e = start;
	while (e < n && strcmp(w[e], ";") && strcmp(w[e], "}")) {
		if (!strcmp(w[e], "{")) {
			snprintf(err, errlen, "unexpected '{'");
			return -1;
		}
		e++;
	}
	nd->argc = e - start;
	nd->argv = malloc((size_t)(nd->argc + 1) * sizeof(char *));
	for (int i = 0; i < nd->argc; i++)
		nd->argv[i] = w[start + i];
	nd->argv[nd->argc] = NULL;
	*pos = e;
	return 0;
}

int parse_seq(char **w, int n, int *pos, int depth, struct node **out, int *nout,
		     char *err, size_t errlen)
{
	int cap = 0;
	*out = NULL;
	*nout = 0;
	for (;;) {
		if (*nout == cap) {
			cap = cap ? cap * 2 : 4;
			*out = realloc(*out, (size_t)cap * sizeof **out);
		}
		int rc = parse_cmd(w, n, pos, depth, &(*out)[*nout], err, errlen);
		(*nout)++;
		if (rc < 0)
			return -1;
		if (*pos < n && !strcmp(w[*pos], ";")) {
			(*pos)++;
			continue;
		}
		return 0;
	}
}


/* ---------- lines ---------- */

void emit_error(const char *verb, const char *msg)
{
	static struct sbuf b;
	obj_begin(&b, "error");
	sb_printf(&b, ",\"req\":%d,\"cmd\":", req_no);
	sb_jstr(&b, verb);
	sb_puts(&b, ",\"message\":");
	sb_jstr(&b, msg);
	obj_end(&b);
}

