import { describeWithRedis } from '../helpers/servers.ts';
import { hubClusterCases } from './hub-cluster-cases.ts';

// The hub on several node processes sharing one SQLite file (WAL) and one Redis; the cases are in
// hub-cluster-cases.ts, shared with pg-hub-cluster.test.ts (the same on PostgreSQL).
describeWithRedis('the hub on several nodes (processes, one SQLite file, Redis)', () => {
  hubClusterCases('sqlite');
});
