# mockpay: a local sandbox of the LiqPay and Liquido payment APIs.
#   docker build -t mockpay --build-arg VERSION=v1.2.3 .
#   docker run --rm -p 8470:8470 mockpay
# Stage 1 builds one static binary; stage 2 is distroless static (no shell,
# no package manager) with that binary, running as the nonroot user 65532.

FROM golang:1.26-bookworm AS build
ARG VERSION=dev
WORKDIR /src
# Modules first, so a source change does not download them again; the
# cache mounts keep modules and compiled packages between builds.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# CGO off: the final stage has no libc. -trimpath: no build paths in the
# binary. -s -w: no symbol tables (smaller image; panics still print stacks).
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/mockpay/mockpay/server.Version=${VERSION}" \
      -o /out/mockpay ./cmd/mockpay

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="mockpay" \
      org.opencontainers.image.description="Local sandbox server emulating the LiqPay and Liquido payment APIs for integration tests, CI and demos" \
      org.opencontainers.image.source="https://github.com/mockpay/mockpay" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/mockpay /mockpay
# Listen on every interface inside the container (the host publishes the
# port), and let the control plane answer any Host name: in a container it is
# reached as "mockpay", "localhost" or a compose service alias, never only as
# loopback. Set MOCKPAY_ADMIN_TOKEN when the port is reachable by others.
ENV MOCKPAY_ADDR=0.0.0.0:8470 \
    MOCKPAY_ALLOWED_HOSTS=*
EXPOSE 8470
USER 65532:65532
# mockpay healthcheck dials 127.0.0.1 when MOCKPAY_ADDR is 0.0.0.0.
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/mockpay", "healthcheck"]
ENTRYPOINT ["/mockpay"]
