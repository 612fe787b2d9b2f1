package dev.pulse.operator.api;

/** CPU request, memory request and memory limit of the aggregator container, as Kubernetes quantities. */
public interface AutoSizeQuantities {

  /** Kubernetes' quantity syntax (resource.Quantity), unsigned: 50m, 50u, 180Mi, 1.5Gi, 1e3. */
  String QUANTITY = "^([0-9]+([.][0-9]*)?|[.][0-9]+)([numkMGTPE]|[KMGTPE]i|[eE][0-9]+)?$";

  String getCpu();

  String getMemory();

  String getMemoryLimit();
}
