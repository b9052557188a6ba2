/**
 * On a Galera cluster, a node applies other nodes' commits a little after they are certified:
 * a read there could miss a purchase another node just committed. `wsrep_sync_wait = 1` makes
 * every read (and every BEGIN) wait until the node has applied everything committed before it.
 * Written so that no engine refuses it: MariaDB runs the part in the executable comment (and
 * ignores the setting without Galera), MySQL and others skip it.
 */
export const CAUSAL_READS = "SET SESSION sql_mode = @@sql_mode /*M!100400 , wsrep_sync_wait = 1 */";
