/*
 * The floor for one scrape: the same cgroupfs/procfs work the exporter does, with nothing on top.
 *
 * Reads a list of operations (one per line, "<op> <path>", written by bench/run.js from the same paths the
 * exporter walks) and performs the whole list once per pass with plain syscalls, timing each pass. An
 * optional second list (the once-list) is performed once, before the warm-up passes and untimed: the
 * per-process facts the exporter reads once and caches (namespace links, uid_map, /proc/<pid>/stat), so
 * that `floor steady.list N W once.list` is the steady-state floor and `floor full.list N W` the cold one.
 *
 *   r <path>   open, read to EOF into a 64 KiB buffer, close (a file every scrape reads)
 *   o <path>   the same, but a missing file is expected (optional files the exporter tries, e.g. memsw)
 *   l <path>   readlink (the /proc/<pid>/ns/<type> links)
 *   L <path>   readlink, missing allowed (ns/time on old kernels)
 *   d <path>   opendir + readdir to the end + closedir (the discovery walk of the cgroup hierarchy)
 *
 * usage: floor <list> <passes> <warmup-passes> [<once-list>]
 * stdout: one line per timed pass, its duration in nanoseconds. stderr: a summary (ops, unexpected errors).
 * Built by the bench with gcc -O2; not part of the product.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct op {
  char kind;
  char *path;
};

static char buf[65536];
static char link_buf[4096];
static volatile unsigned long sink; /* keeps the compiler from dropping reads */

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One pass over every op; returns the number of unexpected failures. */
static long run_pass(const struct op *ops, size_t n) {
  long errors = 0;
  for (size_t i = 0; i < n; i++) {
    const struct op *o = &ops[i];
    switch (o->kind) {
      case 'r':
      case 'o': {
        int fd = open(o->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
          if (!(o->kind == 'o' && errno == ENOENT)) errors++;
          break;
        }
        ssize_t got;
        while ((got = read(fd, buf, sizeof buf)) > 0) sink += (unsigned long)got + (unsigned char)buf[0];
        if (got < 0) errors++;
        close(fd);
        break;
      }
      case 'l':
      case 'L': {
        ssize_t got = readlink(o->path, link_buf, sizeof link_buf);
        if (got < 0) {
          if (!(o->kind == 'L' && errno == ENOENT)) errors++;
        } else {
          sink += (unsigned long)got + (unsigned char)link_buf[0];
        }
        break;
      }
      case 'd': {
        DIR *d = opendir(o->path);
        if (!d) {
          errors++;
          break;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) sink += e->d_type;
        closedir(d);
        break;
      }
      default:
        errors++;
    }
  }
  return errors;
}

/* Reads "<op> <path>" lines; returns the number of ops, or -1 if the file cannot be opened. */
static long load_list(const char *file, struct op **out) {
  FILE *f = fopen(file, "r");
  if (!f) {
    perror(file);
    return -1;
  }
  size_t cap = 1024, n = 0;
  struct op *ops = malloc(cap * sizeof *ops);
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t len;
  while ((len = getline(&line, &line_cap, f)) > 0) {
    if (line[len - 1] == '\n') line[--len] = '\0';
    if (len < 3 || line[1] != ' ') continue;
    if (n == cap) ops = realloc(ops, (cap *= 2) * sizeof *ops);
    ops[n].kind = line[0];
    ops[n].path = strdup(line + 2);
    n++;
  }
  free(line);
  fclose(f);
  *out = ops;
  return (long)n;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s <list> <passes> <warmup-passes> [<once-list>]\n", argv[0]);
    return 2;
  }
  struct op *ops;
  long n = load_list(argv[1], &ops);
  if (n < 0) return 2;
  long passes = atol(argv[2]);
  long warmup = atol(argv[3]);

  /* The once-list: what a caching reader reads when it first meets a process, before any timed pass. */
  long once_n = 0, once_errors = 0;
  if (argc == 5) {
    struct op *once;
    once_n = load_list(argv[4], &once);
    if (once_n < 0) return 2;
    once_errors = run_pass(once, (size_t)once_n);
  }

  long warm_errors = 0;
  for (long i = 0; i < warmup; i++) warm_errors += run_pass(ops, (size_t)n);
  long long *ns = malloc((size_t)(passes > 0 ? passes : 1) * sizeof *ns);
  long errors = 0;
  for (long i = 0; i < passes; i++) {
    long long t0 = now_ns();
    errors += run_pass(ops, (size_t)n);
    ns[i] = now_ns() - t0;
  }
  for (long i = 0; i < passes; i++) printf("%lld\n", ns[i]);
  fprintf(stderr, "ops=%ld passes=%ld unexpected_errors=%ld warmup_errors=%ld", n, passes, errors, warm_errors);
  if (argc == 5) fprintf(stderr, " once_ops=%ld once_errors=%ld", once_n, once_errors);
  fprintf(stderr, " sink=%lu\n", sink);
  return 0;
}
