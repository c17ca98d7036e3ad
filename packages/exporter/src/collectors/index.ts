import type { CollectorName } from '@isoscope/shared';
import type { Collector } from './collector';
import { cpuCollector } from './cpu';
import { ioCollector } from './io';
import { lifecycleCollector } from './lifecycle';
import { limitsCollector } from './limits';
import { memoryCollector } from './memory';
import { namespacesCollector } from './namespaces';
import { networkCollector } from './network';
import { pressureCollector } from './pressure';
import { securityCollector } from './security';
import { tasksCollector } from './tasks';

/** Every collector, by the name `--collector.<name>` switches. */
export const COLLECTOR_REGISTRY: Record<CollectorName, Collector> = {
  cpu: cpuCollector,
  memory: memoryCollector,
  limits: limitsCollector,
  tasks: tasksCollector,
  io: ioCollector,
  network: networkCollector,
  pressure: pressureCollector,
  lifecycle: lifecycleCollector,
  namespaces: namespacesCollector,
  security: securityCollector,
};
