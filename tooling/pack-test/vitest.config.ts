import { packageProject } from '../vitest.shared.ts';

export default packageProject('@unmask/pack-test', 180_000);
