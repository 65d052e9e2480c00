import { defineProject } from 'vitest/config';
import { packageProject } from '../../tooling/vitest.shared.ts';

const project = packageProject('@unmask/server', 120_000);

// --expose-gc: the load test compares heaps after a full collection (of this process and of the
// inference thread, which shares the flag).
export default defineProject({ ...project, test: { ...project.test, execArgv: ['--expose-gc'] } });
