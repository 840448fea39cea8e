# One image, two entry points: `npx tsx api/main.ts` (default) and `npx tsx worker/main.ts`.
FROM node:20.20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
# Development dependencies stay out; the runtime (tsx, prisma CLI, Temporal SDK) is in `dependencies`.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
RUN npx prisma generate && chown -R node:node /app

USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/main.ts"]
