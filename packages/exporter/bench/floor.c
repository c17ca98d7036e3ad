/*
 * The floor for one scrape: the same cgroupfs/procfs work the exporter does, with nothing on top.
 *
 * Reads a list of operations (one per line, "<op> <path>", written by bench/run.js from the same paths the
 * exporter walks) and performs the whole list once per pass with plain syscalls, timing each pass:
 *
 *   r <path>   open, read to EOF into a 64 KiB buffer, close (a file every scrape reads)
 *   o <path>   the same, but a missing file is expected (optional files the exporter tries, e.g. memsw)
 *   l <path>   readlink (the /proc/<pid>/ns/<type> links)
 *   L <path>   readlink, missing allowed (ns/time on old kernels)
 *   d <path>   opendir + readdir to the end + closedir (the discovery walk of the cgroup hierarchy)
 *
 * usage: floor <list> <passes> <warmup-passes>
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

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <list> <passes> <warmup-passes>\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  long passes = atol(argv[2]);
  long warmup = atol(argv[3]);
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

  long warm_errors = 0;
  for (long i = 0; i < warmup; i++) warm_errors += run_pass(ops, n);
  long long *ns = malloc((size_t)(passes > 0 ? passes : 1) * sizeof *ns);
  long errors = 0;
  for (long i = 0; i < passes; i++) {
    long long t0 = now_ns();
    errors += run_pass(ops, n);
    ns[i] = now_ns() - t0;
  }
  for (long i = 0; i < passes; i++) printf("%lld\n", ns[i]);
  fprintf(stderr, "ops=%zu passes=%ld unexpected_errors=%ld warmup_errors=%ld sink=%lu\n", n, passes, errors, warm_errors, sink);
  return 0;
}
