import { packageProject } from '../../tooling/vitest.shared';

export default packageProject('@unmask/cli', 120_000);
