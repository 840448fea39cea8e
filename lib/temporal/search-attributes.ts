// Custom search attributes: filter runs in the Temporal Web UI by tenant, credential and kind of sync,
// e.g. `CompanyId = "…" AND SyncType = "retention_cleanup"`. Workflow-safe: imports only @temporalio/common.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CompanyIdKey = defineSearchAttributeKey('CompanyId', SearchAttributeType.KEYWORD);
export const CredentialIdKey = defineSearchAttributeKey('CredentialId', SearchAttributeType.KEYWORD);
export const SyncTypeKey = defineSearchAttributeKey('SyncType', SearchAttributeType.KEYWORD);

export const CUSTOM_SEARCH_ATTRIBUTES = [CompanyIdKey, CredentialIdKey, SyncTypeKey];
