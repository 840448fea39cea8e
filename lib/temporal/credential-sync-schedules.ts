import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from './search-attributes';

export interface ConnectedAccount {
  companyId: string;
  credentialId: string;
}

/** What one connected account's schedule starts, and how often. */
export interface SyncScheduleAction {
  every: Duration;
  catchupWindow: Duration;
  syncType: string;
  workflowType: string;
  workflowId: string;
  args: unknown[];
}

/**
 * Each connected account's recurring sync as a Temporal Schedule (visible in the UI with the account's CompanyId,
 * CredentialId and SyncType search attributes): created when the account is connected, paused when its
 * authorization is refused, updated and resumed when it is connected again, deleted when it is disconnected. A run
 * still going when the next is due makes the next one skip.
 */
export abstract class CredentialSyncSchedules {
  constructor(
    protected readonly client: Client,
    protected readonly taskQueue: string,
  ) {}

  abstract scheduleId(credentialId: string): string;

  protected abstract action(account: ConnectedAccount): SyncScheduleAction;

  async ensure(account: ConnectedAccount): Promise<void> {
    const scheduleId = this.scheduleId(account.credentialId);
    const { every, catchupWindow, syncType, workflowType, workflowId, args } = this.action(account);
    const attributes = [
      { key: CompanyIdKey, value: account.companyId },
      { key: CredentialIdKey, value: account.credentialId },
      { key: SyncTypeKey, value: syncType },
    ];
    const options = {
      scheduleId,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType, workflowId, taskQueue: this.taskQueue, args, typedSearchAttributes: attributes },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow },
      typedSearchAttributes: attributes,
    } satisfies ScheduleOptions;
    try {
      await this.client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      const handle = this.client.schedule.getHandle(scheduleId);
      await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
      await handle.unpause('The account was connected again');
    }
  }

  async pause(credentialId: string, note: string): Promise<void> {
    await this.ignoringMissing(() => this.client.schedule.getHandle(this.scheduleId(credentialId)).pause(note.slice(0, 200)));
  }

  async remove(credentialId: string): Promise<void> {
    await this.ignoringMissing(() => this.client.schedule.getHandle(this.scheduleId(credentialId)).delete());
  }

  private async ignoringMissing(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
}
