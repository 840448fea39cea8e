// The worker's workflowsPath: every workflow type is exported from here.
export { retentionCleanupWorkflow } from './retention-cleanup';
