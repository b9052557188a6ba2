/**
 * On a Galera cluster, a node applies other nodes' commits a little after they are certified:
 * a read there could miss a purchase another node just committed. `wsrep_sync_wait = 1` makes
 * every read (and every BEGIN) wait until the node has applied everything committed before it.
 * Written so that no engine refuses it: MariaDB runs the part in the executable comment (and
 * ignores the setting without Galera), MySQL and others skip it.
 */
export const CAUSAL_READS = "SET SESSION sql_mode = @@sql_mode /*M!100400 , wsrep_sync_wait = 1 */";

/**
 * This session's database node (host, port and, on a Galera cluster, the node's name; MySQL
 * skips the MariaDB-only part) and its session id there: what a lease row records of its holder.
 */
export const NODE_AND_SESSION = "SELECT CONCAT(@@hostname, ':', @@port /*M!100400 , ':', IF(@@wsrep_on, @@wsrep_node_name, '') */) AS node, CONNECTION_ID() AS session";

/**
 * For a lease row (holderNode, holderSession) and this session's node as `?`: whether its holder's
 * session was on this node and has ended (its process was killed), so the lease may be taken at once.
 */
export const HOLDER_GONE = "holderNode = ? AND NOT EXISTS (SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = holderSession)";
