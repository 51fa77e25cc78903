# The merchant app of the compose example: examples/receivers/go, a LiqPay
# callback endpoint that verifies the signature. Built from the repository
# root (compose sets the context to ../..).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY examples/receivers/go ./examples/receivers/go
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -o /out/merchant ./examples/receivers/go

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/merchant /merchant
ENV HOST=0.0.0.0 PORT=9000
EXPOSE 9000
USER 65532:65532
ENTRYPOINT ["/merchant"]
