/*
 * One container of the bench's kernel-cgroup fleet (bench/cgroupFleet.ts), without a runtime: the process
 * enters new mount, UTS, IPC, network and PID namespaces (what `docker run --network none` gives a container
 * here; cgroup, user and time namespaces stay the host's, as Docker's on a cgroup v1 host), makes its mounts
 * private (nothing propagates to or from the host), and forks the container's init: PID 1 of its PID
 * namespace, which sleeps in pause() until killed. The parent writes the init's PID (as the host sees it)
 * to stdout and waits for it, as a runtime's shim would, outside the container's cgroup: the bench moves
 * only the init into the cgroups.
 *
 * Both die with SIGKILL when their parent dies (PR_SET_PDEATHSIG), so a bench that is killed leaves no
 * process behind; its cgroups are removed by the next run.
 *
 * usage: sleeper    stdout: "<init pid>\n"    exit: 0 when the init was killed, 1 on a setup error.
 * Built by the bench with gcc -O2; not part of the product.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    perror("prctl");
    return 1;
  }
  if (getppid() == 1) return 1; /* the bench is gone already */
  if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID) != 0) {
    perror("unshare");
    return 1;
  }
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
    perror("mount --make-rprivate /");
    return 1;
  }
  pid_t init = fork();
  if (init < 0) {
    perror("fork");
    return 1;
  }
  if (init == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;) pause();
  }
  printf("%d\n", (int)init);
  fflush(stdout);
  int status;
  while (waitpid(init, &status, 0) < 0 && errno == EINTR) {
  }
  return 0;
}
