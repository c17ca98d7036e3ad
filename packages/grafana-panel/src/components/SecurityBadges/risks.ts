import type { BadgeColor } from '@grafana/ui';

import type { SecurityFacts } from '../../data/types';

export type RiskKind = 'privileged' | 'rootMapped' | 'seccompOff' | 'noNewPrivsOff';

export interface Risk {
  kind: RiskKind;
  /**
   * Badge text in a wide column (and the legend); the short text when the column is narrow (the two
   * alarms keep theirs); the compact text in compact rows. Tooltips and aria-labels always say `text`.
   */
  text: string;
  shortText: string;
  compactText: string;
  color: BadgeColor;
  /** Why it matters, for the tooltip and the legend. */
  explanation: string;
}

/** Worst first (the order of the data layer's RISK_WEIGHTS), so the first badge is the one to read. */
export const RISKS: Record<RiskKind, Omit<Risk, 'kind'>> = {
  privileged: {
    text: 'privileged',
    shortText: 'privileged',
    compactText: 'priv',
    color: 'red',
    explanation:
      'Holds capabilities that reach past the container (e.g. CAP_SYS_ADMIN, CAP_SYS_MODULE): it can usually take over the host.',
  },
  seccompOff: {
    text: 'seccomp off',
    shortText: 'seccomp off',
    compactText: 'seccomp',
    color: 'red',
    explanation:
      'No seccomp filter: every system call is open to it, including the rarely used ones most kernel exploits need.',
  },
  rootMapped: {
    text: 'root = host root',
    shortText: 'host root',
    compactText: 'root',
    // Docker's and Kubernetes' default without user namespaces: common, so a caveat rather than an alarm
    color: 'orange',
    explanation: 'No user namespace remapping: uid 0 inside is uid 0 on the host, so any escape lands as root.',
  },
  noNewPrivsOff: {
    text: 'no_new_privs off',
    shortText: 'nnp off',
    compactText: 'nnp',
    // off on most containers (allowPrivilegeEscalation defaults to true): quiet, or it drowns the rest
    color: 'darkgrey',
    explanation: 'Processes can gain privileges on exec (setuid binaries, file capabilities).',
  },
};

/** The risks the facts show. Absent facts are not risks: they show nothing rather than a guess. */
export function risksOf(facts: SecurityFacts): Risk[] {
  const out: Risk[] = [];
  const add = (kind: RiskKind) => out.push({ kind, ...RISKS[kind] });
  if (facts.privileged === true) {
    add('privileged');
  }
  if (facts.seccompMode === 0) {
    add('seccompOff');
  }
  if (facts.rootMappedToHost === true) {
    add('rootMapped');
  }
  if (facts.noNewPrivs === false) {
    add('noNewPrivsOff');
  }
  return out;
}

/** Whether any fact is known at all: distinguishes "checked, nothing found" from "no data". */
export function hasAnyFact(facts: SecurityFacts): boolean {
  return (
    facts.privileged !== undefined ||
    facts.rootMappedToHost !== undefined ||
    facts.seccompMode !== undefined ||
    facts.noNewPrivs !== undefined
  );
}
