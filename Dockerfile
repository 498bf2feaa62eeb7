# syntax=docker/dockerfile:1
#
# tfrun in a container: the CLI, the TensorFlow C library and libhdf5, nothing else.
#
#   docker build -t tfrun .                          # CPU (Debian bookworm)
#   docker build -t tfrun:gpu --build-arg VARIANT=gpu .   # GPU (CUDA 12.5, cuDNN 9)
#   docker run --rm -v "$PWD:/work" tfrun train MODEL --data /work/mnist --out /work/out
#
# The build stage runs the project's own installers (the same scripts `make setup`
# runs): scripts/install-system-deps.sh, then scripts/install-libtensorflow.sh,
# which unpacks the C library from the pinned, hash-checked PyPI wheel
# (tensorflow-cpu, or tensorflow for VARIANT=gpu; TF_VERSION and
# scripts/libtensorflow.lock). TensorFlow 2.21 GPU wheels are built against
# CUDA 12.5 and cuDNN 9.3; the GPU runtime base below provides them.

ARG VARIANT=cpu
# Must equal TF_VERSION (checked by the installer and by the pin test).
ARG TF_VERSION=2.21.0
ARG GO_IMAGE=golang:1.26-bookworm
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.5.1-cudnn-runtime-ubuntu22.04
ARG CUDA_BUILD_IMAGE=nvidia/cuda:12.5.1-cudnn-devel-ubuntu22.04

FROM ${GO_IMAGE} AS go

# Build stages: one per variant, each on the glibc of its runtime stage.
FROM ${GO_IMAGE} AS build-cpu
FROM ${CUDA_BUILD_IMAGE} AS build-gpu
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gcc libc6-dev git && rm -rf /var/lib/apt/lists/*

FROM build-${VARIANT} AS build
ARG VARIANT
ARG TF_VERSION
WORKDIR /src
COPY TF_VERSION go.mod go.sum ./
COPY scripts/ scripts/
RUN apt-get update -q && scripts/install-system-deps.sh && rm -rf /var/lib/apt/lists/*
RUN TF_PREFIX=/opt/libtensorflow scripts/install-libtensorflow.sh --variant ${VARIANT} --expect-version ${TF_VERSION}
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 CGO_CFLAGS=-I/opt/libtensorflow/include \
    CGO_LDFLAGS="-L/opt/libtensorflow/lib -Wl,-rpath,/opt/libtensorflow/lib" \
    go build -trimpath -o /out/tfrun ./cmd/tfrun

# Runtime stages: tfrun, the TensorFlow C libraries and libhdf5 only.
FROM debian:bookworm-slim AS runtime-cpu
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libhdf5-103-1 ca-certificates && rm -rf /var/lib/apt/lists/*

FROM ${CUDA_RUNTIME_IMAGE} AS runtime-gpu
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libhdf5-103-1 ca-certificates && rm -rf /var/lib/apt/lists/*

FROM runtime-${VARIANT}
ARG TF_VERSION
LABEL org.opencontainers.image.title="tfrun" \
      org.tfrun.tensorflow-version="${TF_VERSION}"
COPY --from=build /opt/libtensorflow/lib/ /opt/libtensorflow/lib/
COPY --from=build /out/tfrun /usr/local/bin/tfrun
ENV TF_CPP_MIN_LOG_LEVEL=1
WORKDIR /work
ENTRYPOINT ["tfrun"]
CMD ["version"]
