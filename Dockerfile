# The same layout `make image` writes without a daemon: an empty base with
# the static binary at /usr/local/bin/schemareg, the CA certificates, an
# /etc/passwd whose user schemareg (65532) runs it, and no shell.
#
#   docker build --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) -t schemareg .
FROM golang:1.26 AS build
ARG VERSION=dev
ARG COMMIT=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -buildid= -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/usr/local/bin/schemareg ./cmd/schemareg \
 && mkdir -p /out/etc/ssl/certs /out/home/schemareg /out/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nschemareg:x:65532:65532:schemareg:/home/schemareg:/sbin/nologin\n' > /out/etc/passwd \
 && printf 'root:x:0:\nschemareg:x:65532:\n' > /out/etc/group \
 && chmod 1777 /out/tmp && chmod 700 /out/home/schemareg && chown 65532:65532 /out/home/schemareg

FROM scratch
ARG VERSION=dev
ARG COMMIT=
COPY --from=build /out/ /
LABEL org.opencontainers.image.title="schemareg" \
      org.opencontainers.image.description="GitOps-first JSON-Schema registry" \
      org.opencontainers.image.source="https://github.com/schemareg/schemareg" \
      org.opencontainers.image.url="https://github.com/schemareg/schemareg" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"
ENV PATH=/usr/local/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt SCHEMAREG_LOG_FORMAT=json
USER 65532:65532
WORKDIR /home/schemareg
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/schemareg"]
CMD ["serve"]
