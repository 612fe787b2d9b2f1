package dev.pulse.e2e;

/** What metrics-server's release manifest registers, for tests that put it in Pulse's way. */
final class MetricsServerObjects {

  private MetricsServerObjects() {}

  /** Its Service, pointing at the local process (baseline-metrics-server.sh) as in development mode. */
  static String service(int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: metrics-server
          namespace: kube-system
          labels: {k8s-app: metrics-server}
        spec:
          type: ExternalName
          externalName: localhost
          ports: [{name: https, port: %d, protocol: TCP}]
        """.formatted(port);
  }

  /**
   * Its reader role and its APIService ({@code insecureSkipTLSVerify} as shipped), pointing at the
   * Service {@code kube-system/metrics-server} on {@code port}.
   */
  static String readerRoleAndApiService(int port) {
    return """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: system:aggregated-metrics-reader
          labels:
            k8s-app: metrics-server
            rbac.authorization.k8s.io/aggregate-to-admin: "true"
            rbac.authorization.k8s.io/aggregate-to-edit: "true"
            rbac.authorization.k8s.io/aggregate-to-view: "true"
        rules:
        - apiGroups: [metrics.k8s.io]
          resources: [pods, nodes]
          verbs: [get, list, watch]
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1beta1.metrics.k8s.io
          labels: {k8s-app: metrics-server}
        spec:
          group: metrics.k8s.io
          version: v1beta1
          groupPriorityMinimum: 100
          versionPriority: 100
          insecureSkipTLSVerify: true
          service: {name: metrics-server, namespace: kube-system, port: %d}
        """.formatted(port);
  }
}
