export { startSandbox } from './server.js';
export type {
  Fault,
  FaultOptions,
  OperationName,
  Sandbox,
  SandboxOptions,
  SandboxOrder,
  SandboxOrderStatus,
  Service,
} from './types.js';
