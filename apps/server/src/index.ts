export { ApiError, type ApiErrorBody } from './api-error';
export { type FamilyDefaults, familyDefaults } from './family-defaults';
export { InferenceThreadError } from './inference-thread';
export { type RunningServer, startServer } from './server';
export { type ServerLimits, ServerOptionError, type ServerOptions } from './server-options';
