// A stand-in for Testcontainers' interface of this name, for CI only.
package org.testcontainers.containers.wait.strategy;

import java.util.function.IntUnaryOperator;

public interface WaitStrategy {
  /** Blocks until ready; mappedPort turns a container port into the host's. */
  void waitUntilReady(String host, IntUnaryOperator mappedPort);
}
