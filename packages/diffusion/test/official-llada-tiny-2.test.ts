import { describeOfficialTraces } from './conformance';

describeOfficialTraces('llada-tiny-2');
