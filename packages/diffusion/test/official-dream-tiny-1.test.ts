import { describeOfficialTraces } from './conformance';

describeOfficialTraces('dream-tiny-1');
