import { runConformanceSuite } from '../src/conformance';
import { cpuBackend } from '../src/cpu';

runConformanceSuite(() => cpuBackend, { rtol: 1e-5 });
