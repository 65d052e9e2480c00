import { runConformanceSuite } from '@unmask/tensor/conformance';
import { createOrtBackend } from '../src/backend';

runConformanceSuite(() => createOrtBackend(), { rtol: 1e-4 });
