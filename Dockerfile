# syntax=docker/dockerfile:1
# Build: docker build -t tasi .
# Run:   docker run --rm -v "$PWD/work:/work" tasi analyze --shorelines /work/shorelines --out /work/results.gpkg
# Serve: docker run --rm -p 8080:8080 -v "$PWD/work:/work" tasi serve --gpkg /work/results.gpkg --addr 0.0.0.0:8080

FROM golang:1.26-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal-dev fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/tasi ./cmd/tasi

FROM debian:bookworm-slim
# The GDAL runtime library (libgdal32) and its data files; no compilers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 gdal-data ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /work tasi
COPY --from=build /out/tasi /usr/local/bin/tasi
USER tasi
WORKDIR /work
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/tasi"]
CMD ["help"]
