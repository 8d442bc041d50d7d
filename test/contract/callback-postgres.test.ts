// The controller with callbacks must do exactly what the controller it wraps does: the
// PostgresController contract, on the simulated PostgreSQL wrapped in callbacks that run nothing.
import { CallbackExecutor } from '../../agent/callbacks/callback-executor.js';
import { CallbackPostgres } from '../../agent/callbacks/callback-postgres.js';
import { silentLogger } from '../../agent/logging/logger.js';
import { describePostgresControllerContract } from './postgres-controller-contract.js';
import { simulatedHarness } from './simulated-harness.js';

const noCallbacks = new CallbackExecutor({ commands: {}, scope: 'contract', timeoutMs: 1000 }, () => Promise.reject(new Error('no callback is set')), silentLogger);

describePostgresControllerContract('simulated, with callbacks', simulatedHarness((controller) => new CallbackPostgres(controller, noCallbacks), 7000));
