# The aggregator and operator images, from the shaded jars `make build` writes: one base, one
# target each, so each image carries only its own jar.
#   docker build --target pulse-aggregator -t ghcr.io/pulse/pulse-aggregator:0.1.0 .
#   docker build --target pulse-operator -t ghcr.io/pulse/pulse-operator:0.1.0 .
# Buildah and Podman take the same arguments and need no daemon (config/README.md).
#
# distroless: a JRE and CA certificates, no shell, no package manager. Its user 65532
# ("nonroot") is the numeric user both Deployments run as. The tag moves with security updates;
# a release pins the digest it was tested with: --build-arg BASE_IMAGE=...@sha256:<digest>.
ARG BASE_IMAGE=gcr.io/distroless/java17-debian12:nonroot

# Each JVM starts with its module's jvm.options (heap from the container's memory limit, collector,
# stacks), the same file `make up` uses for the local processes, and maps a class-data archive
# dumped here, by the image's own JVM, from the module's cds.classlist: the classes it loads,
# parsed and verified once at build time instead of at every start (as make up does, lib/pulse.sh).
FROM ${BASE_IMAGE} AS pulse-aggregator
COPY metrics-core/target/pulse-metrics-core.jar /opt/pulse/pulse-aggregator.jar
COPY metrics-core/jvm.options /opt/pulse/jvm.options
COPY metrics-core/cds.classlist /opt/pulse/cds.classlist
RUN ["/usr/bin/java", "-Xshare:dump", "-XX:SharedClassListFile=/opt/pulse/cds.classlist", \
     "-XX:SharedArchiveFile=/opt/pulse/pulse-aggregator.jsa", "-cp", "/opt/pulse/pulse-aggregator.jar"]
USER 65532:65532
ENTRYPOINT ["/usr/bin/java", "@/opt/pulse/jvm.options", "-XX:SharedArchiveFile=/opt/pulse/pulse-aggregator.jsa", \
            "-jar", "/opt/pulse/pulse-aggregator.jar"]

FROM ${BASE_IMAGE} AS pulse-operator
COPY operator/target/pulse-operator.jar /opt/pulse/pulse-operator.jar
COPY operator/jvm.options /opt/pulse/jvm.options
COPY operator/cds.classlist /opt/pulse/cds.classlist
RUN ["/usr/bin/java", "-Xshare:dump", "-XX:SharedClassListFile=/opt/pulse/cds.classlist", \
     "-XX:SharedArchiveFile=/opt/pulse/pulse-operator.jsa", "-cp", "/opt/pulse/pulse-operator.jar"]
USER 65532:65532
ENTRYPOINT ["/usr/bin/java", "@/opt/pulse/jvm.options", "-XX:SharedArchiveFile=/opt/pulse/pulse-operator.jsa", \
            "-jar", "/opt/pulse/pulse-operator.jar"]
