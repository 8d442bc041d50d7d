import { startPgCtlHarness } from '../helpers/postgres-harness.js';
import { describePostgresControllerContract } from './postgres-controller-contract.js';

describePostgresControllerContract('pg_ctl', startPgCtlHarness);
