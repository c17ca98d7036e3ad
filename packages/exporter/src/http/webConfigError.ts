/**
 * A `--web.config.file` that is wrong; the message names the file and the field. At start the CLI exits 2
 * with it. On its own so the CLI can know it without loading the YAML and bcrypt libraries.
 */
export class WebConfigError extends Error {}
