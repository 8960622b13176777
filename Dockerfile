# porteiro in a container: `docker build -t porteiro .` then `docker compose -f contrib/docker/compose.yaml up`.
# Build stage: compiles TypeScript and better-sqlite3's native module against this image's Node.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY examples ./examples
ARG PORTEIRO_COMMIT=""
ENV PORTEIRO_COMMIT=${PORTEIRO_COMMIT}
RUN npm ci && npm prune --omit=dev

# Run stage: Node, openssl (the self-signed pair when no certificate is given), curl (HEALTHCHECK).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends openssl curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/porteiro --create-home porteiro
WORKDIR /opt/porteiro
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/examples ./examples
RUN ln -s /opt/porteiro/bin/porteiro.js /usr/local/bin/porteiro
USER porteiro
VOLUME /var/lib/porteiro
# web console, submission (STARTTLS, implicit TLS: map to 587/465 outside), flow collector (UDP)
EXPOSE 8025 2587 2465 2055/udp
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl --silent --fail http://127.0.0.1:8025/healthz || exit 1
ENTRYPOINT ["porteiro"]
CMD ["serve", "--config", "/etc/porteiro/porteiro.yaml", "--collect", "udp://0.0.0.0:2055"]
