import { z } from 'zod';
import { problemSchema } from './plugins/problem-details';

export const uuidParam = z.object({ id: z.uuid() });

/** Problem answers every authenticated route may give, for the OpenAPI document. */
export const authErrorResponses = { 400: problemSchema, 401: problemSchema } as const;

export const syncLogSchema = z
  .object({
    id: z.string(),
    syncType: z.string(),
    status: z.string(),
    credentialId: z.string().nullable(),
    workflowId: z.string().nullable(),
    startedAt: z.date(),
    completedAt: z.date().nullable(),
    recordsProcessed: z.number().int(),
    recordsCreated: z.number().int(),
    recordsUpdated: z.number().int(),
    recordsDeleted: z.number().int(),
    recordsFailed: z.number().int(),
    errorMessage: z.string().nullable(),
    errorDetails: z.unknown(),
    fileName: z.string().nullable(),
    fileSize: z.number().int().nullable(),
    triggeredById: z.string().nullable(),
  })
  .meta({ id: 'SyncLog' });

export const notificationSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    title: z.string(),
    message: z.string(),
    relatedType: z.string().nullable(),
    relatedId: z.string().nullable(),
    read: z.boolean(),
    readAt: z.date().nullable(),
    dismissedAt: z.date().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'Notification' });
