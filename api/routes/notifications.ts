import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDependencies } from '../app';
import { notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses, notificationSchema, uuidParam } from '../schemas';

const listQuery = z.object({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('true: only unread notifications'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const notificationRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma }) => {
  /** Notifications are personal: only the caller's own, never a colleague's; dismissed ones are hidden. */
  const ownNotification = async (id: string, userId: string) => {
    const notification = await prisma.notification.findFirst({ where: { id, userId } });
    if (!notification) throw notFound('Notification', id);
    return notification;
  };

  app.get(
    '/notifications',
    {
      schema: {
        summary: "The caller's notifications, newest first (dismissed ones are left out)",
        tags: ['notifications'],
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(notificationSchema), unreadCount: z.number().int() }), ...authErrorResponses },
      },
    },
    async (request) => {
      const where = { userId: request.principal.userId, dismissedAt: null };
      const [items, unreadCount] = await Promise.all([
        prisma.notification.findMany({
          where: { ...where, ...(request.query.unread ? { read: false } : {}) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: request.query.limit,
        }),
        prisma.notification.count({ where: { ...where, read: false } }),
      ]);
      return { items, unreadCount };
    },
  );

  const single = { params: uuidParam, response: { 200: notificationSchema, ...authErrorResponses, 404: problemSchema } };

  app.post(
    '/notifications/:id/read',
    { schema: { summary: 'Mark a notification read', tags: ['notifications'], ...single } },
    async (request) => {
      const notification = await ownNotification(request.params.id, request.principal.userId);
      if (notification.read) return notification;
      return prisma.notification.update({ where: { id: notification.id }, data: { read: true, readAt: new Date() } });
    },
  );

  app.post(
    '/notifications/:id/dismiss',
    { schema: { summary: 'Dismiss a notification (it leaves the list)', tags: ['notifications'], ...single } },
    async (request) => {
      const notification = await ownNotification(request.params.id, request.principal.userId);
      if (notification.dismissedAt) return notification;
      const now = new Date();
      return prisma.notification.update({
        where: { id: notification.id },
        data: { dismissedAt: now, ...(notification.read ? {} : { read: true, readAt: now }) },
      });
    },
  );
};

export default notificationRoutes;
