export { buildPanelModel, containerKey, shortName, SHARED_WITH_MAX, type BuildOptions } from './frames';
export { groupByHostAndPod, groupByPod, type GroupOrder } from './group';
export {
  filterBySummary,
  isThrottled,
  MEMORY_NEAR_LIMIT,
  summarise,
  SUMMARY_CHECKS,
  SUMMARY_KEYS,
  type SummaryCheck,
  type SummaryKey,
} from './summary';
export { describeMissing, DERIVED_ROLES } from './missing';
export { isRoleKey, parseRefIdRoles } from './refIdRoles';
export { isQueryRoles, queryRolesFromText, rolesByRefId, withQueryRole, type QueryRoles } from './queryRoles';
export {
  HOST_RISK,
  HOST_RISK_WEIGHT,
  HOST_RISKS,
  hostRisk,
  typesOfRisk,
  type HostNamespaceRisk,
  type HostRisk,
} from './namespaceRisk';
export { filterContainers, isolationRank, riskScore, RISK_WEIGHTS, sortContainers, sortRank } from './sortFilter';
export {
  RAW_METRICS_QUERY,
  ROLE_BY_METRIC,
  ROLE_KEYS,
  ROLES,
  role,
  type Role,
  type RoleGroup,
  type RoleKey,
} from './roles';
export type * from './types';
