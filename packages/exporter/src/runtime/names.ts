/*
 * Container names as the Docker Engine API lists them, which Podman's compat and libpod lists follow
 * (libpod without the leading "/").
 */

/**
 * The container's own name. Names[0] is usually it, but with legacy `--link`s the list also holds the alias
 * names "/<linking container>/<alias>" and their order is not guaranteed; the docker CLI shows the entry with a
 * single path component, so we do the same and fall back to Names[0].
 */
export function canonicalName(names: unknown): string | undefined {
  if (!Array.isArray(names)) return undefined;
  const stripped = names.filter((n): n is string => typeof n === 'string' && n !== '').map((n) => n.replace(/^\//, ''));
  const own = stripped.find((n) => !n.includes('/'));
  const name = own ?? stripped[0];
  return name === '' ? undefined : name;
}
