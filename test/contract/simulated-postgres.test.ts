import { describePostgresControllerContract } from './postgres-controller-contract.js';
import { simulatedHarness } from './simulated-harness.js';

describePostgresControllerContract('simulated', simulatedHarness((controller) => controller, 6000));
